import BeckonCore
import BeckonStore
import Foundation

/// One file's row parser, chosen by the file's kind, and what a parsed row changes.
final class FileImport {
    enum Change {
        case customer(Customer)
        case event(CustomerEvent)
        case optOut(OptOutRowParser.Row)

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
            }
        }
    }

    let kind: InboxFileKind
    let customers: CustomerRowParser?
    let events: EventRowParser?
    let optOuts: OptOutRowParser?
    let now: Date
    private var seen = Set<String>()
    private(set) var duplicateIDs = 0

    init(kind: InboxFileKind, header: [String], file: String, settings: InboxSettings, zone: TimeZone, now: Date) throws {
        self.kind = kind
        self.now = now
        customers = kind == .customers ? try CustomerRowParser(header: header, file: file, aliases: settings.aliases, zone: zone) : nil
        events = kind == .events ? try EventRowParser(header: header, file: file, aliases: settings.aliases, zone: zone) : nil
        optOuts = kind == .optOuts ? try OptOutRowParser(header: header, file: file, aliases: settings.aliases, keywords: settings.keywords) : nil
    }

    func parse(_ record: CSVReader.Record) -> Result<Change, RowError> {
        if let customers {
            return customers.parse(record).map { customer in
                if !seen.insert(customer.id).inserted { duplicateIDs += 1 }
                return .customer(customer)
            }
        }
        if let events { return events.parse(record).map(Change.event) }
        return optOuts!.parse(record, at: now).map(Change.optOut)
    }
}

/// Records from CSV, or from JSON Lines (one object a line; the first object's keys are the header).
struct RecordReader: ~Copyable {
    private var csv: CSVReader
    private let jsonLines: Bool
    private let file: String
    private var columns: [String] = []
    private var pending: CSVReader.Record?

    init(url: URL, jsonLines: Bool, file: String) throws {
        csv = try CSVReader(url: url, delimitedByLinesOnly: jsonLines)
        self.jsonLines = jsonLines
        self.file = file
    }

    mutating func header() throws -> [String]? {
        guard jsonLines else { return try csv.next()?.fields }
        guard let first = try csv.next() else { return nil }
        let object = try Self.object(first, file: file)
        columns = object.keys.sorted()
        pending = CSVReader.Record(line: first.line, fields: columns.map { object[$0] ?? "" })
        return columns
    }

    mutating func next() throws -> CSVReader.Record? {
        guard jsonLines else { return try csv.next() }
        if let record = pending {
            pending = nil
            return record
        }
        guard let line = try csv.next() else { return nil }
        let object = try Self.object(line, file: file)
        return CSVReader.Record(line: line.line, fields: columns.map { object[$0] ?? "" })
    }

    static func object(_ record: CSVReader.Record, file: String) throws -> [String: String] {
        let text = record.fields.first ?? ""
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw UnreadableFile(file: file, reason: "line \(record.line) is not a JSON object")
        }
        return json.mapValues { value in
            if let string = value as? String { return string }
            if let number = value as? NSNumber { return number.stringValue }
            if value is NSNull { return "" }
            return "\(value)"
        }
    }
}
