/// RFC 4180 field escaping, shared by every CSV Beckon writes (receipts, row-error reports).
public enum CSVField {
    /// Quotes a field that holds a comma, a quote or a line break, doubling inner quotes.
    public static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",")
    }
}
