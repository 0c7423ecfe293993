import BeckonCore
import BeckonStore
import Foundation

/// One file's row parser, chosen by the file's kind, and what a parsed row changes.
///
/// Needs no store and no file: `InboxRows.parse(bytes:name:settings:zone:now:)` runs it over bytes (for fuzzing).
final class FileImport {
    enum Change {
        case customer(Customer)
        case event(CustomerEvent)
        case optOut(OptOutRowParser.Row)
        /// With its line: an unknown customer is found at commit and reported on that line.
        case conversion(Conversion, line: Int)
        /// With its line: a code already in its pool from another row is found at commit and reported there.
        case coupon(Coupon, line: Int)

        func apply(to batch: inout ImportBatch, reviews: inout [String]) {
            switch self {
            case .customer(let customer):
                // Duplicate ids: the last row wins, because the store's upsert applies rows in file order.
                batch.customers.append(CustomerRecord(customer))
            case .event(let event): batch.events.append(event)
            case .optOut(.suppress(let suppression)): batch.suppressions.append(suppression)
            case .optOut(.lift(let phone, let id)): batch.lifts.append((phone, id))
            case .optOut(.review(let text)): reviews.append(text)
            case .optOut(.ignore): break
            case .conversion(let conversion, let line): batch.conversions.append(ImportedConversion(conversion, line: line))
            case .coupon(let coupon, let line): batch.coupons.append(ImportedCoupon(coupon, line: line))
            }
        }
    }

    let kind: InboxFileKind
    let header: [String]
    let file: String
    let customers: CustomerRowParser?
    let events: EventRowParser?
    let optOuts: OptOutRowParser?
    let conversions: ConversionRowParser?
    let coupons: CouponRowParser?
    let now: Date
    /// JSON Lines records have exactly the header's fields; CSV records may have more (an error when not empty).
    let checksFieldCount: Bool
    private var seen = Set<String>()
    private(set) var duplicateIDs = 0

    init(kind: InboxFileKind, header: [String], file: String, settings: InboxSettings, zone: TimeZone, now: Date,
                checksFieldCount: Bool = true) throws(UnreadableFile) {
        self.kind = kind
        self.header = header
        self.file = file
        self.now = now
        self.checksFieldCount = checksFieldCount
        customers = kind == .customers ? try CustomerRowParser(header: header, file: file, aliases: settings.aliases, zone: zone) : nil
        events = kind == .events ? try EventRowParser(header: header, file: file, aliases: settings.aliases, zone: zone) : nil
        optOuts = kind == .optOuts ? try OptOutRowParser(header: header, file: file, aliases: settings.aliases, keywords: settings.keywords) : nil
        conversions = kind == .conversions ? try ConversionRowParser(header: header, file: file, aliases: settings.aliases, zone: zone, now: now,
                                                                     kinds: settings.conversionKinds) : nil
        coupons = kind == .coupons ? try CouponRowParser(header: header, file: file, aliases: settings.aliases, zone: zone, now: now) : nil
    }

    func parse(_ record: CSVReader.Record) -> Result<Change, RowError> {
        if let problem = record.problem {
            let index = problem.field
            let field = index.map { $0 < header.count ? header[$0] : "field \($0 + 1)" } ?? "(record)"
            let value = index.map { $0 < record.fields.count ? record.fields[$0] : "" } ?? ""
            var reason = problem.description
            if record.endLine > record.line { reason += " (the record runs from line \(record.line) to \(record.endLine))" }
            return .failure(RowError(file: file, line: record.line, field: field, value: value, reason: reason))
        }
        if checksFieldCount, record.fields.count > header.count,
           let extra = record.fields[header.count...].firstIndex(where: { !$0.trimmedSpaces.isEmpty }) {
            var reason = "\(record.fields.count) fields but the header has \(header.count): a comma out of place, or a quote that should enclose it?"
            if record.endLine > record.line { reason += " (the record runs from line \(record.line) to \(record.endLine))" }
            return .failure(RowError(file: file, line: record.line, field: "field \(extra + 1)", value: record.fields[extra], reason: reason))
        }
        if let customers {
            return customers.parse(record).map { customer in
                if !seen.insert(customer.id).inserted { duplicateIDs += 1 }
                return .customer(customer)
            }
        }
        if let events { return events.parse(record).map(Change.event) }
        if let conversions { return conversions.parse(record).map { .conversion($0, line: record.line) } }
        if let coupons { return coupons.parse(record).map { .coupon($0, line: record.line) } }
        return optOuts!.parse(record, at: now).map(Change.optOut)
    }

    /// The customer id a record names, if it can be read (a snapshot keeps customers whose row was rejected).
    func customerID(of record: CSVReader.Record) -> String? {
        guard let index = customers?.position.customerID, index < record.fields.count, record.problem?.field != index else { return nil }
        let id = record.fields[index].trimmedSpaces
        return id.isEmpty ? nil : id
    }
}

/// Records from CSV, or from JSON Lines (one object a line; the header is every key any line has, sorted).
public struct RecordReader: ~Copyable {
    private var csv: CSVReader
    private let jsonLines: Bool
    private let file: String
    private var columns: [String]
    private var started = false

    /// - Parameter jsonColumns: for JSON Lines, the keys of the whole file (`JSONLinesColumns.scan`).
    public init(csv: consuming CSVReader, jsonLines: Bool, jsonColumns: [String] = [], file: String) {
        self.csv = csv
        self.jsonLines = jsonLines
        self.file = file
        columns = jsonColumns
    }

    /// The header; a file whose header cannot be read (empty, undecodable, no JSON object) is unreadable.
    public mutating func header() throws -> [String] {
        started = true
        if jsonLines {
            guard !columns.isEmpty else { throw UnreadableFile(file: file, reason: "no line is a JSON object with keys") }
            return columns
        }
        guard let first = try csv.next() else { throw UnreadableFile(file: file, reason: "the file is empty") }
        if let problem = first.problem {
            throw UnreadableFile(file: file, reason: "line \(first.line), the header: \(problem)")
        }
        return first.fields
    }

    /// Frames the rest of the file without decoding it (JSON Lines cannot fail to frame: nothing to do).
    public mutating func validateRest() throws(CSVError) {
        if !jsonLines { _ = try csv.validateToEnd() }
    }

    /// Skips the next CSV record without decoding it (a re-import's unchanged row); nil at the end.
    public mutating func skip() throws(CSVError) -> (line: Int, endLine: Int)? {
        try csv.skipRecord()
    }

    /// The next CSV record with its fingerprint (`CSVReader.nextWithFingerprint`).
    public mutating func nextWithFingerprint(idField: Int) throws(CSVError) -> (record: CSVReader.Record, high: UInt64, low: UInt64, idHash: UInt32?)? {
        try csv.nextWithFingerprint(idField: idField)
    }

    /// Continues after a record whose `CSVReader.resumePoint` was taken in an earlier pass over the same file.
    public mutating func seek(to point: (offset: Int, line: Int)) throws {
        try csv.seek(to: point)
    }

    public mutating func next() throws(CSVError) -> CSVReader.Record? {
        guard jsonLines else { return try csv.next() }
        guard let line = try csv.next() else { return nil }
        if line.problem != nil { return line }
        switch JSONLinesColumns.object(line.fields.first ?? "") {
        case .invalid(let reason):
            return CSVReader.Record(line: line.line, fields: [line.fields.first ?? ""], problem: .notJSONObject(reason: reason))
        case .object(let object):
            let fields = columns.map { object[$0] ?? "" }
            if let nul = fields.firstIndex(where: { $0.utf8.contains(0) }) {
                return CSVReader.Record(line: line.line, fields: fields.map { $0.replacingOccurrences(of: "\0", with: "\\0") }, problem: .nul(field: nul))
            }
            return CSVReader.Record(line: line.line, fields: fields)
        }
    }
}

/// JSON Lines: each line one JSON object, its values as text.
public enum JSONLinesColumns {
    /// Every key of every object in the file, sorted: a key only later lines have is kept, not dropped.
    public static func scan(_ reader: inout CSVReader) throws(CSVError) -> [String] {
        var keys = Set<String>()
        while let line = try reader.next() {
            guard line.problem == nil, case .object(let object) = object(line.fields.first ?? "") else { continue }
            keys.formUnion(object.keys)
        }
        return keys.sorted()
    }

    enum Line {
        case object([String: String])
        case invalid(reason: String)
    }

    static func object(_ text: String) -> Line {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) } catch {
            return .invalid(reason: "not valid JSON")
        }
        guard let dictionary = json as? [String: Any] else { return .invalid(reason: "a JSON value that is not an object") }
        return .object(dictionary.mapValues(text(of:)))
    }

    /// Strings as they are, numbers and booleans as written, null as empty, arrays and objects as JSON text.
    static func text(of value: Any) -> String {
        if let string = value as? String { return string }
        if value is NSNull { return "" }
        if let number = value as? NSNumber {
            // JSON's true and false come back as NSNumbers of type char ("c"); JSON has no other char numbers.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        }
        if JSONSerialization.isValidJSONObject(value),
           let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}
