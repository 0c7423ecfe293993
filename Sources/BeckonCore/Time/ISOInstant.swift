import Foundation

/// Parses the instants operators type on the command line.
///
/// `2026-11-24T10:00:00+08:00` and `...Z` are exact. A time without an offset (`2026-11-24T10:00`) or a
/// bare date (`2026-11-24`, meaning its midnight) is read as local time in `zone`, so that
/// `--now 2026-02-06T10:00` means ten in the morning where the business is.
public enum ISOInstant {
    public static func parse(_ text: String, defaultZone zone: TimeZone) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        let parts = text.split(separator: "T", maxSplits: 1)
        guard let first = parts.first, let date = LocalDate(iso: first) else { return nil }
        guard parts.count == 2 else { return date.start(in: zone) }
        let clock = parts[1].split(separator: ":")
        guard (2...3).contains(clock.count), let time = LocalTime(parsing: "\(clock[0]):\(clock[1])") else { return nil }
        let seconds = clock.count == 3 ? Double(clock[2]) : 0
        guard let seconds, (0..<60).contains(seconds) else { return nil }
        return LocalDateTime(date: date, time: time).instant(in: zone).addingTimeInterval(seconds)
    }

    /// `2026-11-24T10:00:00+08:00`: ISO 8601 with the zone's offset at that instant (`Z` for UTC).
    ///
    /// Formatted by hand: it runs for every receipt and every explained decision, and a Foundation
    /// formatter per call costs more than the rest of the decision.
    public static func format(_ instant: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: instant)
        let local = Int(floor(instant.timeIntervalSince1970)) + offset
        let days = Int(floor(Double(local) / 86_400))
        let seconds = local - days * 86_400
        let date = LocalDate(dayNumber: days)
        var text = "\(date)T" + twoDigits(seconds / 3600) + ":" + twoDigits(seconds % 3600 / 60) + ":" + twoDigits(seconds % 60)
        if offset == 0 { return text + "Z" }
        let magnitude = abs(offset) / 60
        text += (offset < 0 ? "-" : "+") + twoDigits(magnitude / 60) + ":" + twoDigits(magnitude % 60)
        return text
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
