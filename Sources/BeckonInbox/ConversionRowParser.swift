import BeckonCore
import Foundation

/// Rows of a conversions file: `customer_id`, `occurred_at`, `kind`, `amount` (after the `columns:` mapping).
///
/// Whether the customer exists is checked against the store when the batch is committed (`InboxProcessor`),
/// since this parser reads no store.
struct ConversionRowParser: Sendable {
    static let required = ["customer_id", "occurred_at", "kind", "amount"]

    let columns: [String: Int]
    let file: String
    let zone: TimeZone
    let now: Date
    let kinds: Set<String>?

    init(header: [String], file: String, aliases: [String: String], zone: TimeZone, now: Date, kinds: Set<String>?) throws(UnreadableFile) {
        let columns = try CustomerRowParser.columnIndex(header, file: file, aliases: aliases)
        let missing = Self.required.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw UnreadableFile(file: file, reason: "a conversions file needs columns \(Self.required.joined(separator: ", ")); missing \(missing.joined(separator: ", ")); header is: \(header.joined(separator: ","))")
        }
        self.columns = columns
        self.file = file
        self.zone = zone
        self.now = now
        self.kinds = kinds
    }

    func parse(_ record: CSVReader.Record) -> Result<Conversion, RowError> {
        func value(_ c: String) -> String { columns[c].flatMap { $0 < record.fields.count ? record.fields[$0].trimmedSpaces : nil } ?? "" }
        func failure(_ field: String, _ reason: String) -> Result<Conversion, RowError> {
            .failure(RowError(file: file, line: record.line, field: field, value: value(field), reason: reason))
        }
        guard !value("customer_id").isEmpty else { return failure("customer_id", "empty customer id") }
        guard let at = FieldParsers.timestamp(value("occurred_at"), zone: zone) else { return failure("occurred_at", "not a timestamp") }
        // A conversion cannot lie ahead of the clock: a future date is a wrong year or time zone in the export.
        guard at <= now else { return failure("occurred_at", "in the future (now is \(ISOInstant.format(now, in: zone)))") }
        let kind = value("kind").lowercased()
        guard !kind.isEmpty else { return failure("kind", "empty kind (order, visit, renewal...)") }
        if let kinds, !kinds.contains(kind) {
            return failure("kind", "not a declared conversion kind (inbox.conversion_kinds: \(kinds.sorted().joined(separator: ", ")))")
        }
        // An empty amount is a conversion without revenue (a visit); anything else must be a number >= 0.
        guard let amount = FieldParsers.decimal(value("amount")), amount.isFinite else { return failure("amount", "not a number") }
        guard amount >= 0 else { return failure("amount", "negative: a refund is not a conversion") }
        return .success(Conversion(customerID: value("customer_id"), occurredAt: at, kind: kind, amount: amount))
    }
}
