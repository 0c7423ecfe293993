/// RFC 4180 field escaping, shared by every CSV Beckon writes (receipts, row-error reports).
///
/// A value a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`, or one starting
/// with a tab or CR) gets a leading `'`, the OWASP advice: spreadsheets show it as text, and a reader of the CSV
/// sees the value with one quote more. A `+` or `-` followed by a plain number or phone (`+8613800138000`, `-5`,
/// `+86 138-0013-8000`, a masked `+86138****8000`) is left as it is: such a value computes nothing.
public enum CSVField {
    /// Quotes a field that holds a comma, a quote or a line break, doubling inner quotes; neutralises formulas.
    public static func escape(_ value: String) -> String {
        let value = needsFormulaGuard(value.utf8) ? "'" + value : value
        // Scanned as UTF-8 bytes (never part of a multi-byte sequence below 0x80), not as Characters: receipts
        // escape fifteen fields of every message.
        guard value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",")
    }

    /// Whether a spreadsheet opening the CSV would take `bytes` for a formula.
    public static func needsFormulaGuard<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            // Digits and the punctuation of numbers and (masked) phones only: nothing there can call a function.
            return !bytes.dropFirst().allSatisfy { byte in
                (0x30...0x39).contains(byte) || byte == 0x20 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",")
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            }
        default: return false
        }
    }

    /// Appends `fields` as one CRLF-terminated record to `buffer`, as UTF-8: the same bytes as
    /// `line(fields) + "\r\n"`, without building a string per field and per line (receipt files of
    /// a busy hour hold hundreds of thousands of records).
    public static func appendRecord(_ fields: [String], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var field = field
            field.withUTF8 { bytes in
                let guarded = needsFormulaGuard(bytes)
                guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                    if guarded { buffer.append(UInt8(ascii: "'")) }
                    buffer.append(contentsOf: bytes)
                    return
                }
                buffer.append(0x22)
                if guarded { buffer.append(UInt8(ascii: "'")) }
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
