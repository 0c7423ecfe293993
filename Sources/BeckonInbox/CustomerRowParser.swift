import BeckonCore
import Foundation

/// Turns one CSV record of a customer file into a `Customer`, or the first error found in it.
public struct CustomerRowParser: Sendable {
    public static let requiredColumns = ["customer_id", "name", "phone", "birthday"]
    static let knownColumns: Set<String> = ["customer_id", "name", "phone", "birthday", "timezone", "birthday_lunar", "tier", "tags"]

    let columns: [String: Int]
    let extraColumns: [(name: String, index: Int)]
    let file: String

    /// Validates the header; a file without the required columns cannot be read at all.
    public init(header: [String], file: String) throws(UnreadableFile) {
        var columns: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            if columns[key] != nil { throw UnreadableFile(file: file, reason: "column '\(key)' appears twice in the header") }
            columns[key] = index
        }
        let missing = Self.requiredColumns.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw UnreadableFile(file: file, reason: "missing required column(s) \(missing.joined(separator: ", ")); header is: \(header.joined(separator: ","))")
        }
        self.columns = columns
        self.extraColumns = columns.filter { !Self.knownColumns.contains($0.key) }.map { ($0.key, $0.value) }.sorted { $0.index < $1.index }
        self.file = file
    }

    public func parse(_ record: CSVReader.Record) -> Result<Customer, RowError> {
        func value(_ column: String) -> String {
            guard let index = columns[column], index < record.fields.count else { return "" }
            return record.fields[index].trimmingCharacters(in: .whitespaces)
        }
        func failure(_ field: String, _ reason: String) -> Result<Customer, RowError> {
            .failure(RowError(file: file, line: record.line, field: field, value: value(field), reason: reason))
        }
        let id = value("customer_id")
        guard !id.isEmpty else { return failure("customer_id", "empty customer id") }
        guard !id.contains("/") else { return failure("customer_id", "customer id must not contain '/'") }
        guard let phone = PhoneNormalizer.normalize(value("phone")) else {
            return failure("phone", value("phone").isEmpty ? "empty phone number" : "not a valid phone number")
        }
        var birthday: LocalDate?
        if !value("birthday").isEmpty {
            guard let date = LocalDate(iso: value("birthday")) else { return failure("birthday", "expected YYYY-MM-DD") }
            birthday = date
        }
        var timeZone: String?
        if !value("timezone").isEmpty {
            guard TimeZone(identifier: value("timezone")) != nil else { return failure("timezone", "unknown IANA time zone") }
            timeZone = value("timezone")
        }
        var lunar = false
        switch value("birthday_lunar").lowercased() {
        case "", "0", "false", "no", "n": lunar = false
        case "1", "true", "yes", "y": lunar = true
        default: return failure("birthday_lunar", "expected true or false")
        }
        var attributes: [String: String] = [:]
        for (name, index) in extraColumns where index < record.fields.count {
            attributes[name] = record.fields[index]
        }
        let tier = value("tier")
        let tags = value("tags").split(whereSeparator: { $0 == ";" || $0 == "|" }).map { $0.trimmingCharacters(in: .whitespaces) }
        return .success(Customer(id: id, name: value("name"), phone: phone, birthday: birthday, birthdayIsLunar: lunar,
                                 timeZone: timeZone, tier: tier.isEmpty ? nil : tier, tags: tags, attributes: attributes))
    }
}
