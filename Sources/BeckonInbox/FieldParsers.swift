import BeckonCore
import Foundation

/// Parses the value formats ERP exports use. Each returns nil for a value it cannot read, so the caller
/// can report the row, field and value.
public enum FieldParsers {
    /// `2024-03-05`, `2024/3/5`, `2024.3.5`, `20240305`, `2024年3月5日`, or an Excel serial day (`45356`).
    public static func date(_ raw: String) -> LocalDate? {
        let text = fullWidthToASCII(raw).trimmedSpaces
        if let iso = LocalDate(iso: text.prefix(10)), text.count == 10 || text.dropFirst(10).first == "T" || text.dropFirst(10).first == " " {
            return iso
        }
        if text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            if text.count == 8, let y = Int(text.prefix(4)), let m = Int(text.dropFirst(4).prefix(2)), let d = Int(text.suffix(2)) {
                return LocalDate(year: y, month: m, day: d)
            }
            // Excel serial: days since 1899-12-30 (which absorbs Excel's fictitious 1900-02-29).
            if let serial = Int(text), (1...80_000).contains(serial) {
                return LocalDate(year: 1899, month: 12, day: 30)!.adding(days: serial)
            }
            return nil
        }
        return separatedDate(text)
    }

    /// ISO 8601 instants, or `YYYY-MM-DD HH:MM[:SS]` in `zone`, or a date (its midnight).
    public static func timestamp(_ raw: String, zone: TimeZone) -> Date? {
        let text = raw.trimmedSpaces
        // ERP exports write `2026-08-10 12:00`; ISO 8601 wants the T. Swapped by hand: no Foundation bridging.
        let iso = text.utf8.contains(UInt8(ascii: " ")) ? String(text.map { $0 == " " ? "T" : $0 }) : text
        if let instant = ISOInstant.parse(iso, defaultZone: zone) { return instant }
        return date(text).map { $0.start(in: zone) }
    }

    public static func boolean(_ raw: String) -> Bool? {
        if raw.isEmpty { return false }
        switch raw.trimmedSpaces.lowercased() {
        case "1", "true", "yes", "y", "是", "t": return true
        case "0", "false", "no", "n", "否", "f", "": return false
        default: return nil
        }
    }

    public static func decimal(_ raw: String) -> Double? {
        if raw.isEmpty { return 0 }
        // The common case, a plain number, without building any intermediate string.
        if let plain = Double(raw) { return plain }
        let text = String(fullWidthToASCII(raw).filter { $0 != "," && $0 != "¥" }).trimmedSpaces
        return text.isEmpty ? 0 : Double(text)
    }

    public static func fullWidthToASCII(_ text: String) -> String { FullWidth.toASCII(text) }

    /// `2024/3/5`, `2024.3.5`, `2024-3-5`, `2024年3月5日`: three runs of digits (the first of four) split by
    /// those separators. Scanned by hand over UTF-8: splitting into strings cost more than the rest of a row.
    static func separatedDate(_ text: String) -> LocalDate? {
        var numbers: [Int] = []
        var current = 0
        var digits = 0
        var firstDigits = 0
        func close() -> Bool {
            guard digits > 0 else { return true }
            if numbers.isEmpty { firstDigits = digits }
            numbers.append(current)
            current = 0
            digits = 0
            return numbers.count <= 3
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9":
                current = current * 10 + Int(scalar.value - 48)
                digits += 1
                guard digits <= 4 else { return nil }
            case "/", ".", "-", " ", "年", "月", "日":
                guard close() else { return nil }
            default:
                return nil
            }
        }
        guard close(), numbers.count == 3, firstDigits == 4 else { return nil }
        return LocalDate(year: numbers[0], month: numbers[1], day: numbers[2])
    }
}
