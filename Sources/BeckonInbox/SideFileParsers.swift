import BeckonCore
import Foundation

/// Rows of a trigger file: `customer_id`, `event`, `at`, and any attribute columns (product, price, link).
struct EventRowParser: Sendable {
    let columns: [String: Int]
    let extra: [(String, Int)]
    let file: String
    let zone: TimeZone

    init(header: [String], file: String, aliases: [String: String], zone: TimeZone) throws(UnreadableFile) {
        columns = try CustomerRowParser.columnIndex(header, file: file, aliases: aliases)
        for required in ["customer_id", "event", "at"] where columns[required] == nil {
            throw UnreadableFile(file: file, reason: "a trigger file needs columns customer_id, event and at; header is: \(header.joined(separator: ","))")
        }
        extra = columns.filter { !["customer_id", "event", "at"].contains($0.key) }.map { ($0.key, $0.value) }
        self.file = file
        self.zone = zone
    }

    func parse(_ record: CSVReader.Record) -> Result<CustomerEvent, RowError> {
        func value(_ c: String) -> String { columns[c].flatMap { $0 < record.fields.count ? record.fields[$0].trimmedSpaces : nil } ?? "" }
        func failure(_ field: String, _ reason: String) -> Result<CustomerEvent, RowError> {
            .failure(RowError(file: file, line: record.line, field: field, value: value(field), reason: reason))
        }
        guard !value("customer_id").isEmpty else { return failure("customer_id", "empty customer id") }
        guard !value("event").isEmpty else { return failure("event", "empty event name") }
        guard let at = FieldParsers.timestamp(value("at"), zone: zone) else { return failure("at", "not a timestamp") }
        var attributes: [String: String] = [:]
        for (name, index) in extra where index < record.fields.count { attributes[name] = record.fields[index] }
        return .success(CustomerEvent(customerID: value("customer_id"), name: value("event"), at: at, attributes: attributes,
                                      source: "\(file):\(record.line)"))
    }
}

/// Rows of an opt-out or reply file: `phone` and/or `customer_id`, optionally `reply` (the words the
/// customer sent) and `category` (an opt-out of one category only).
struct OptOutRowParser: Sendable {
    enum Row {
        case suppress(Suppression)
        case lift(phone: String?, customerID: String?)
        /// A reply that only mentions a keyword: flagged for a person, not acted on.
        case review(String)
        case ignore
    }

    let columns: [String: Int]
    let file: String
    let keywords: OptOutKeywords

    init(header: [String], file: String, aliases: [String: String], keywords: OptOutKeywords) throws(UnreadableFile) {
        columns = try CustomerRowParser.columnIndex(header, file: file, aliases: aliases)
        // Without a reply column every row is an opt-out, so the file must at least say whose phone: a file of
        // customer ids alone is more likely a misnamed customer export than a list of opt-outs.
        guard columns["reply"] != nil || columns["phone"] != nil else {
            throw UnreadableFile(file: file, reason: "an opt-out file needs a reply column (replies) or a phone column (an opt-out list); header is: \(header.joined(separator: ","))")
        }
        self.file = file
        self.keywords = keywords
    }

    func parse(_ record: CSVReader.Record, at now: Date) -> Result<Row, RowError> {
        func value(_ c: String) -> String { columns[c].flatMap { $0 < record.fields.count ? record.fields[$0].trimmedSpaces : nil } ?? "" }
        var phone: String?
        if !value("phone").isEmpty {
            guard let normalized = PhoneNormalizer.normalize(value("phone")) else {
                return .failure(RowError(file: file, line: record.line, field: "phone", value: value("phone"), reason: "not a valid phone number"))
            }
            phone = normalized
        }
        let customerID = value("customer_id").isEmpty ? nil : value("customer_id")
        guard phone != nil || customerID != nil else {
            return .failure(RowError(file: file, line: record.line, field: "phone", value: "", reason: "neither a phone nor a customer id"))
        }
        let category = value("category").isEmpty ? nil : value("category").lowercased()
        let detail = "\(file):\(record.line)"
        // Without a reply column, every row is an opt-out (an exported unsubscribe list).
        guard columns["reply"] != nil else {
            return .success(.suppress(Suppression(phone: phone, customerID: customerID, category: category, source: .inboxFile, detail: detail, at: now)))
        }
        switch keywords.classify(value("reply")) {
        case .optOut(let keyword):
            return .success(.suppress(Suppression(phone: phone, customerID: customerID, category: category, source: .optOutReply,
                                                  detail: "replied \(keyword) (\(detail))", at: now)))
        case .optIn: return .success(.lift(phone: phone, customerID: customerID))
        case .review(let keyword): return .success(.review("\(detail): reply mentions \(keyword) inside a sentence: '\(value("reply"))'"))
        case .none: return .success(.ignore)
        }
    }
}
