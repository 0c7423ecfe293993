/// RFC 4180 field escaping, shared by every CSV Beckon writes (receipts, row-error reports).
public enum CSVField {
    /// Quotes a field that holds a comma, a quote or a line break, doubling inner quotes.
    public static func escape(_ value: String) -> String {
        // Scanned as UTF-8 bytes (never part of a multi-byte sequence below 0x80), not as Characters: receipts
        // escape fifteen fields of every message.
        guard value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",")
    }
}
