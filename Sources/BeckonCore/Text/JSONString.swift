/// The inside of a JSON string literal (RFC 8259 section 7): quote, backslash and control characters escaped,
/// everything else (CJK included) as is.
///
/// By hand, once, for the two hot paths that write JSON text (customer columns on import, gateway request
/// bodies on dispatch): JSONEncoder per value cost more than the rest of either.
public enum JSONString {
    public static func escaped(_ value: String) -> String {
        // Most values (names, phones, whole Chinese messages) need no escape: one byte scan, no copy.
        // Quote, backslash and control characters are ASCII, never part of a multi-byte UTF-8 sequence.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A JSON array of strings (`["a","b"]`), as SQLite's `json_each` reads a list of keys bound as one value.
    public static func array<S: Sequence<String>>(_ values: S) -> String {
        var out = "["
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            out += "\"" + escaped(value) + "\""
        }
        return out + "]"
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits per byte (SHA-256 digests, tokens).
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
