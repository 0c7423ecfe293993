import Foundation

/// A customer's time zone when the customer file gives none: the one of the phone's country.
///
/// Only countries with a single dominant zone are listed; for the others (the US, Russia, Brazil...)
/// guessing would be worse than the configured default, which is what the caller falls back to.
public enum PhoneCountryZone {
    /// Calling code -> IANA zone. Longest codes are tried first (`+852` before `+85`).
    static let zones: [String: String] = [
        "86": "Asia/Shanghai", "852": "Asia/Hong_Kong", "853": "Asia/Macau", "886": "Asia/Taipei",
        "81": "Asia/Tokyo", "82": "Asia/Seoul", "65": "Asia/Singapore", "60": "Asia/Kuala_Lumpur",
        "66": "Asia/Bangkok", "84": "Asia/Ho_Chi_Minh", "63": "Asia/Manila", "91": "Asia/Kolkata",
        "971": "Asia/Dubai", "44": "Europe/London", "49": "Europe/Berlin", "33": "Europe/Paris",
        "39": "Europe/Rome", "34": "Europe/Madrid", "31": "Europe/Amsterdam", "41": "Europe/Zurich",
        "64": "Pacific/Auckland",
    ]

    public static func zone(forE164 phone: String) -> TimeZone? {
        guard phone.hasPrefix("+") else { return nil }
        let digits = phone.dropFirst()
        for length in [3, 2, 1] where digits.count > length {
            if let identifier = zones[String(digits.prefix(length))] { return TimeZone(identifier: identifier) }
        }
        return nil
    }
}
