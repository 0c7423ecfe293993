import Foundation

/// Parses the instants operators type on the command line.
///
/// `2026-11-24T10:00:00+08:00` and `...Z` are exact. A time without an offset (`2026-11-24T10:00`) or a
/// bare date (`2026-11-24`, meaning its midnight) is read as local time in `zone`, so that
/// `--now 2026-02-06T10:00` means ten in the morning where the business is.
public enum ISOInstant {
    ///
    /// Parsed by hand: it runs for every timestamp column of every imported row, and a Foundation
    /// formatter costs more than the rest of the row.
    public static func parse(_ text: String, defaultZone zone: TimeZone) -> Date? {
        let bytes = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                guard (48...57).contains(bytes[i]) else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
                i += 1
            }
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        guard let y = number(4), take(45), let mo = number(2), take(45), let d = number(2), let date = LocalDate(year: y, month: mo, day: d) else {
            return nil
        }
        if i == bytes.count { return date.start(in: zone) }
        guard take(84) || take(32), let h = number(2), take(58), let mi = number(2), (0...23).contains(h), (0...59).contains(mi) else { return nil }
        var seconds = 0.0
        if take(58) {
            guard let s = number(2), s < 60 else { return nil }
            seconds = Double(s)
            if take(46) {
                var scale = 0.1
                while i < bytes.count, (48...57).contains(bytes[i]) {
                    seconds += Double(bytes[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
        }
        let local = LocalDateTime(date: date, time: LocalTime(hour: h, minute: mi))
        if i == bytes.count { return local.instant(in: zone).addingTimeInterval(seconds) }
        var offset = 0
        if take(90) {
            offset = 0
        } else if i < bytes.count, bytes[i] == 43 || bytes[i] == 45 {
            let sign = bytes[i] == 45 ? -1 : 1
            i += 1
            guard let oh = number(2) else { return nil }
            _ = take(58)
            let om = number(2) ?? 0
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == bytes.count else { return nil }
        let wall = Double(date.dayNumber * 86_400 + h * 3600 + mi * 60) + seconds
        return Date(timeIntervalSince1970: wall - Double(offset))
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
