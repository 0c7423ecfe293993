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
    /// The known fields' positions, looked up once per file: looked up by name for every value of every row,
    /// the hashing showed in the 1M-row import profile.
    let position: Positions
    let extraColumns: [(name: String, index: Int)]
    let consentColumns: [(category: String, index: Int)]
    let file: String
    let zone: TimeZone

    /// Validates the header; a file without the required columns cannot be read at all.
    public init(header: [String], file: String, aliases: [String: String] = [:], zone: TimeZone) throws(UnreadableFile) {
        let columns = try Self.columnIndex(header, file: file, aliases: aliases)
        self.columns = columns
        position = Positions(columns)
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

    struct Positions: Sendable {
        var customerID, name, phone, birthday, timezone, birthdayLunar, tier, tags, lastOrderAt, orderCount, totalSpend: Int?

        init(_ columns: [String: Int]) {
            customerID = columns["customer_id"]; name = columns["name"]; phone = columns["phone"]
            birthday = columns["birthday"]; timezone = columns["timezone"]; birthdayLunar = columns["birthday_lunar"]
            tier = columns["tier"]; tags = columns["tags"]; lastOrderAt = columns["last_order_at"]
            orderCount = columns["order_count"]; totalSpend = columns["total_spend"]
        }
    }

    public func parse(_ record: CSVReader.Record) -> Result<Customer, RowError> {
        // Each field trimmed once: fields are read several times while checking a row.
        let fields = record.fields.map(\.trimmedSpaces)
        func value(_ index: Int?) -> String {
            guard let index, index < fields.count else { return "" }
            return fields[index]
        }
        func failure(_ field: String, _ reason: String) -> Result<Customer, RowError> {
            let index = columns[field]
            let value = index.map { $0 < fields.count ? fields[$0] : "" } ?? ""
            return .failure(RowError(file: file, line: record.line, field: field, value: value, reason: reason))
        }
        let id = value(position.customerID)
        guard !id.isEmpty else { return failure("customer_id", "empty customer id") }
        guard !id.utf8.contains(UInt8(ascii: "/")) else { return failure("customer_id", "customer id must not contain '/'") }
        guard let phone = PhoneNormalizer.normalize(value(position.phone)) else {
            return failure("phone", value(position.phone).isEmpty ? "empty phone number" : "not a valid phone number")
        }
        var customer = Customer(id: id, name: value(position.name), phone: phone)
        customer.source = "\(file):\(record.line)"
        if !value(position.birthday).isEmpty {
            guard let date = FieldParsers.date(value(position.birthday)) else { return failure("birthday", "not a date (YYYY-MM-DD, 2024/3/5, 20240305 or an Excel serial)") }
            customer.birthday = date
        }
        if !value(position.timezone).isEmpty {
            guard TimeZone(identifier: value(position.timezone)) != nil else { return failure("timezone", "unknown IANA time zone") }
            customer.timeZone = value(position.timezone)
        }
        guard let lunar = FieldParsers.boolean(value(position.birthdayLunar)) else { return failure("birthday_lunar", "expected true or false") }
        customer.birthdayIsLunar = lunar
        if !value(position.lastOrderAt).isEmpty {
            guard let at = FieldParsers.timestamp(value(position.lastOrderAt), zone: zone) else { return failure("last_order_at", "not a date or timestamp") }
            customer.lastOrderAt = at
        }
        let orderText = FieldParsers.fullWidthToASCII(value(position.orderCount))
        guard let orders = Int(orderText.isEmpty ? "0" : orderText), orders >= 0 else {
            return failure("order_count", "not a whole number")
        }
        customer.orderCount = orders
        guard let spend = FieldParsers.decimal(value(position.totalSpend)) else { return failure("total_spend", "not an amount") }
        customer.totalSpend = spend
        let tier = value(position.tier)
        customer.tier = tier.isEmpty ? nil : tier.lowercased()
        let tags = value(position.tags)
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
