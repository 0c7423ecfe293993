import BeckonCore
import Foundation

/// Parses the value formats ERP exports use. Each returns nil for a value it cannot read, so the caller
/// can report the row, field and value.
public enum FieldParsers {
    /// `2024-03-05`, `2024/3/5`, `2024.3.5`, `20240305`, `2024年3月5日`, or an Excel serial day (`45356`).
    public static func date(_ raw: String) -> LocalDate? {
        let text = fullWidthToASCII(raw).trimmingCharacters(in: .whitespaces)
        if let iso = LocalDate(iso: text.prefix(10)), text.count == 10 || text.dropFirst(10).first == "T" || text.dropFirst(10).first == " " {
            return iso
        }
        let digits = text.filter(\.isNumber)
        if digits.count == text.count {
            if text.count == 8, let y = Int(text.prefix(4)), let m = Int(text.dropFirst(4).prefix(2)), let d = Int(text.suffix(2)) {
                return LocalDate(year: y, month: m, day: d)
            }
            // Excel serial: days since 1899-12-30 (which absorbs Excel's fictitious 1900-02-29).
            if let serial = Int(text), (1...80_000).contains(serial) {
                return LocalDate(year: 1899, month: 12, day: 30)!.adding(days: serial)
            }
            return nil
        }
        let parts = text.split(whereSeparator: { "/.-年月日 ".contains($0) }).map(String.init)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4 else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    /// ISO 8601 instants, or `YYYY-MM-DD HH:MM[:SS]` in `zone`, or a date (its midnight).
    public static func timestamp(_ raw: String, zone: TimeZone) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if let instant = ISOInstant.parse(text.replacingOccurrences(of: " ", with: "T"), defaultZone: zone) { return instant }
        return date(text).map { $0.start(in: zone) }
    }

    public static func boolean(_ raw: String) -> Bool? {
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes", "y", "是", "t": return true
        case "0", "false", "no", "n", "否", "f", "": return false
        default: return nil
        }
    }

    public static func decimal(_ raw: String) -> Double? {
        let text = fullWidthToASCII(raw).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "¥", with: "")
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? 0 : Double(text)
    }

    public static func fullWidthToASCII(_ text: String) -> String { FullWidth.toASCII(text) }
}
