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

    /// Appends `fields` as one CRLF-terminated record to `buffer`, as UTF-8: the same bytes as
    /// `line(fields) + "\r\n"`, without building a string per field and per line (receipt files of
    /// a busy hour hold hundreds of thousands of records).
    public static func appendRecord(_ fields: [String], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var field = field
            field.withUTF8 { bytes in
                guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                    buffer.append(contentsOf: bytes)
                    return
                }
                buffer.append(0x22)
                for byte in bytes {
                    if byte == 0x22 { buffer.append(0x22) }
                    buffer.append(byte)
                }
                buffer.append(0x22)
            }
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
    }
}
