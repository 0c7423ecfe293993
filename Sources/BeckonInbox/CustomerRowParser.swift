import BeckonCore
import Foundation

/// Turns one record of a customer file into a `Customer`, or the first error found in it.
///
/// Columns are Beckon's field names, or ERP names mapped to them in `etc/beckon.yaml` (`columns:`).
/// Columns Beckon does not know are kept as attributes, usable in templates and audience rules;
/// `consent_<category>` columns (true/false) record consent answers.
public struct CustomerRowParser: Sendable {
    public static let requiredColumns = ["customer_id", "name", "phone"]
    static let knownColumns: Set<String> = ["customer_id", "name", "phone", "birthday", "timezone", "birthday_lunar", "tier",
                                            "tags", "last_order_at", "order_count", "total_spend"]

    let columns: [String: Int]
    let extraColumns: [(name: String, index: Int)]
    let consentColumns: [(category: String, index: Int)]
    let file: String
    let zone: TimeZone

    /// Validates the header; a file without the required columns cannot be read at all.
    public init(header: [String], file: String, aliases: [String: String] = [:], zone: TimeZone) throws(UnreadableFile) {
        let columns = try Self.columnIndex(header, file: file, aliases: aliases)
        self.columns = columns
        let missing = Self.requiredColumns.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw UnreadableFile(file: file, reason: "missing required column(s) \(missing.joined(separator: ", ")); header is: \(header.joined(separator: ","))")
        }
        self.extraColumns = columns.filter { !Self.knownColumns.contains($0.key) && !$0.key.hasPrefix("consent_") }
            .map { ($0.key, $0.value) }.sorted { $0.index < $1.index }
        self.consentColumns = columns.filter { $0.key.hasPrefix("consent_") }.map { (String($0.key.dropFirst(8)), $0.value) }
        self.file = file
        self.zone = zone
    }

    /// Header names (trimmed, mapped through `aliases`, lower-cased) to column positions.
    static func columnIndex(_ header: [String], file: String, aliases: [String: String]) throws(UnreadableFile) -> [String: Int] {
        var columns: [String: Int] = [:]
        for (index, raw) in header.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            let key = (aliases[name] ?? name).lowercased()
            if columns[key] != nil { throw UnreadableFile(file: file, reason: "column '\(key)' appears twice in the header") }
            columns[key] = index
        }
        return columns
    }

    public func parse(_ record: CSVReader.Record) -> Result<Customer, RowError> {
        // Each field trimmed once: fields are read several times while checking a row.
        let fields = record.fields.map(\.trimmedSpaces)
        func value(_ column: String) -> String {
            guard let index = columns[column], index < fields.count else { return "" }
            return fields[index]
        }
        func failure(_ field: String, _ reason: String) -> Result<Customer, RowError> {
            .failure(RowError(file: file, line: record.line, field: field, value: value(field), reason: reason))
        }
        let id = value("customer_id")
        guard !id.isEmpty else { return failure("customer_id", "empty customer id") }
        guard !id.utf8.contains(UInt8(ascii: "/")) else { return failure("customer_id", "customer id must not contain '/'") }
        guard let phone = PhoneNormalizer.normalize(value("phone")) else {
            return failure("phone", value("phone").isEmpty ? "empty phone number" : "not a valid phone number")
        }
        var customer = Customer(id: id, name: value("name"), phone: phone)
        customer.source = "\(file):\(record.line)"
        if !value("birthday").isEmpty {
            guard let date = FieldParsers.date(value("birthday")) else { return failure("birthday", "not a date (YYYY-MM-DD, 2024/3/5, 20240305 or an Excel serial)") }
            customer.birthday = date
        }
        if !value("timezone").isEmpty {
            guard TimeZone(identifier: value("timezone")) != nil else { return failure("timezone", "unknown IANA time zone") }
            customer.timeZone = value("timezone")
        }
        guard let lunar = FieldParsers.boolean(value("birthday_lunar")) else { return failure("birthday_lunar", "expected true or false") }
        customer.birthdayIsLunar = lunar
        if !value("last_order_at").isEmpty {
            guard let at = FieldParsers.timestamp(value("last_order_at"), zone: zone) else { return failure("last_order_at", "not a date or timestamp") }
            customer.lastOrderAt = at
        }
        let orderText = FieldParsers.fullWidthToASCII(value("order_count"))
        guard let orders = Int(orderText.isEmpty ? "0" : orderText), orders >= 0 else {
            return failure("order_count", "not a whole number")
        }
        customer.orderCount = orders
        guard let spend = FieldParsers.decimal(value("total_spend")) else { return failure("total_spend", "not an amount") }
        customer.totalSpend = spend
        let tier = value("tier")
        customer.tier = tier.isEmpty ? nil : tier.lowercased()
        let tags = value("tags")
        customer.tags = tags.isEmpty ? [] : tags.split(whereSeparator: { $0 == ";" || $0 == "|" || $0 == "，" }).map { String($0).trimmedSpaces }
        for (category, index) in consentColumns where index < record.fields.count && !record.fields[index].isEmpty {
            guard let answer = FieldParsers.boolean(record.fields[index]) else { return failure("consent_\(category)", "expected true or false") }
            customer.consents[category] = answer
        }
        for (name, index) in extraColumns where index < record.fields.count {
            customer.attributes[name] = record.fields[index]
        }
        return .success(customer)
    }
}
