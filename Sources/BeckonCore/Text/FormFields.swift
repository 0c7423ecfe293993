/// `application/x-www-form-urlencoded` text (`a=1&b=%E4%BD%A0+x`) as field names and values.
///
/// Written by hand rather than with Hummingbird's `URLEncodedFormDecoder`: that decodes into a fixed
/// `Decodable` type, while the field names of delivery reports and replies come from each channel's
/// configuration. Never fails: a malformed escape stays as it was (as browsers and CGI decoders do), a pair
/// without `=` is a field with an empty value, and a later field of the same name wins.
public enum FormFields {
    public static func decode(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = unescape(equals.map { pair[pair.startIndex..<$0] } ?? pair[...])
            let value = equals.map { unescape(pair[pair.index(after: $0)...]) } ?? ""
            fields[name] = value
        }
        return fields
    }

    /// `+` is a space and `%XX` a byte; bytes that do not form UTF-8 become U+FFFD.
    public static func unescape(_ bytes: Substring.UTF8View.SubSequence) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex),
                      let low = bytes.index(index, offsetBy: 2, limitedBy: bytes.endIndex), low < bytes.endIndex,
                      let h = hexValue(bytes[high]), let l = hexValue(bytes[low]) {
                out.append(h << 4 | l)
                index = low
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
