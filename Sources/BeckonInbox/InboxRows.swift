import BeckonCore
import Foundation

/// The whole read path of an inbox file (encoding, framing, kind, header, rows) over bytes in memory, without a
/// store: what `InboxProcessor` does to a file before committing anything, for tests and fuzz targets.
public enum InboxRows {
    public struct Parsed: Sendable {
        public var kind: InboxFileKind
        public var encoding: TextEncoding
        public var header: [String]
        /// Rows that would be stored, and the customers among them.
        public var accepted: Int
        public var customers: [Customer]
        public var errors: [RowError]
    }

    /// - Throws: `UnreadableFile` for what the inbox would quarantine whole.
    public static func parse(bytes: [UInt8], name: String, settings: InboxSettings = InboxSettings(),
                             zone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!, now: Date = Date(timeIntervalSince1970: 0)) throws -> Parsed {
        let jsonLines = name.lowercased().hasSuffix(".jsonl")
        let encoding: TextEncoding
        do {
            encoding = settings.encoding == .auto ? try TextEncoding.detect(sample: Array(bytes.prefix(1 << 20)), complete: bytes.count <= 1 << 20)
                                                  : settings.encoding
        } catch { throw UnreadableFile(file: name, reason: "\(error)") }
        do {
            var validation = CSVReader(bytes: bytes, encoding: encoding, delimitedByLinesOnly: jsonLines)
            _ = try validation.validateToEnd()
            var columns: [String] = []
            if jsonLines {
                var scan = CSVReader(bytes: bytes, encoding: encoding, delimitedByLinesOnly: true)
                columns = try JSONLinesColumns.scan(&scan)
            }
            var records = RecordReader(csv: CSVReader(bytes: bytes, encoding: encoding, delimitedByLinesOnly: jsonLines),
                                       jsonLines: jsonLines, jsonColumns: columns, file: name)
            let header = try records.header()
            let decision = try InboxFileDecision.decide(name: name, header: header, aliases: settings.aliases, patterns: settings.kinds,
                                                        declaredSnapshot: false).get()
            let importer = try FileImport(kind: decision.kind, header: header, file: name, settings: settings, zone: zone, now: now,
                                          checksFieldCount: !jsonLines)
            var parsed = Parsed(kind: decision.kind, encoding: encoding, header: header, accepted: 0, customers: [], errors: [])
            while let record = try records.next() {
                switch importer.parse(record) {
                case .failure(let error): parsed.errors.append(error)
                case .success(let change):
                    parsed.accepted += 1
                    if case .customer(let customer) = change { parsed.customers.append(customer) }
                }
            }
            return parsed
        } catch let error as CSVError {
            throw UnreadableFile(file: name, reason: "\(error)")
        }
    }
}
