import BeckonCore

/// Normalises phone numbers to E.164.
///
/// Accepts `+86 138-0013-8000`, `0086 13800138000`, full-width digits and bare 11-digit Chinese mobiles
/// (the default region). Returns nil for anything that is not a plausible number.
public enum PhoneNormalizer {
    public static func normalize(_ raw: String, defaultCountryCode: String = "86") -> String? {
        var digits = ""
        var plus = false
        // Full-width digits ０-９ are common when numbers are typed in a Chinese input method.
        for scalar in FullWidth.toASCII(raw).unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            case 0x2B: if digits.isEmpty { plus = true } else { return nil }
            case 0x20, 0x2D, 0x28, 0x29, 0x2E: continue // space, -, (, ), .
            default: return nil
            }
        }
        if !plus && digits.hasPrefix("00") { digits.removeFirst(2); plus = true }
        if plus {
            guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
            if digits.hasPrefix("86") { return isChineseMobile(String(digits.dropFirst(2))) ? "+" + digits : nil }
            return "+" + digits
        }
        if defaultCountryCode == "86" {
            // SMSCs (Kannel's %p) and some ERPs give the country code without the plus: 8613800138000.
            if digits.count == 13, digits.hasPrefix("86"), isChineseMobile(String(digits.dropFirst(2))) { return "+" + digits }
            return isChineseMobile(digits) ? "+86" + digits : nil
        }
        let national = digits.hasPrefix("0") ? String(digits.dropFirst()) : digits
        guard (6...13).contains(national.count) else { return nil }
        return "+" + defaultCountryCode + national
    }

    /// Mainland China mobile numbers: 11 digits starting 13-19.
    static func isChineseMobile(_ digits: String) -> Bool {
        guard digits.count == 11, digits.hasPrefix("1") else { return false }
        let second = digits[digits.index(after: digits.startIndex)]
        return ("3"..."9").contains(second)
    }
}
