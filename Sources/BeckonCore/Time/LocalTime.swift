import Foundation

/// A wall-clock time of day, minute precision: send windows, quiet hours, scenes.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init(hour: Int, minute: Int) {
        precondition((0...24).contains(hour) && (0...59).contains(minute) && !(hour == 24 && minute > 0),
                     "LocalTime out of range: \(hour):\(minute)")
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24 h; `24:00` means the end of the day).
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0...59).contains(m), !(h == 24 && m > 0) else { return nil }
        self.init(hour: h, minute: m)
    }

    public var minuteOfDay: Int { hour * 60 + minute }

    public init(minuteOfDay: Int) { self.init(hour: minuteOfDay / 60, minute: minuteOfDay % 60) }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minuteOfDay < rhs.minuteOfDay }

    public var description: String { LocalDate.padded(hour, 2) + ":" + LocalDate.padded(minute, 2) }
}

/// A local date and time with no zone; `instant(in:)` resolves it with explicit DST rules.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let date: LocalDate
    public let time: LocalTime

    public init(date: LocalDate, time: LocalTime) {
        self.date = date
        self.time = time
    }

    /// Resolves this wall-clock time in `timeZone`.
    ///
    /// DST rules (documented in the README): a time that does not exist (spring forward) resolves to the
    /// instant right after the jump; a time that occurs twice (fall back) resolves to its first occurrence.
    public func instant(in timeZone: TimeZone) -> Date {
        let wallSeconds = Double(date.dayNumber * 86_400 + time.minuteOfDay * 60)
        // Try the offsets in force just before and just after this wall time; a valid one round-trips.
        let guess = Date(timeIntervalSince1970: wallSeconds)
        let offsets = [
            timeZone.secondsFromGMT(for: guess.addingTimeInterval(-86_400)),
            timeZone.secondsFromGMT(for: guess),
            timeZone.secondsFromGMT(for: guess.addingTimeInterval(86_400)),
        ]
        // One offset a day either side (all but a few days a year): the instant is within 14 hours of the guess,
        // so inside that span, and needs no round trip. Planning converts every send window this way.
        if offsets[0] == offsets[1], offsets[1] == offsets[2] {
            return Date(timeIntervalSince1970: wallSeconds - Double(offsets[1]))
        }
        // Largest offset first: in an overlap, the earlier instant is the one with the larger offset.
        let candidates = Set(offsets).sorted(by: >).map { Date(timeIntervalSince1970: wallSeconds - Double($0)) }
        for candidate in candidates where Double(timeZone.secondsFromGMT(for: candidate)) == wallSeconds - candidate.timeIntervalSince1970 {
            return candidate
        }
        // In a gap: the wall time never happens. The jump happens at the instant reached using the
        // offset before the gap; the first wall time after it is the transition itself.
        let before = Date(timeIntervalSince1970: wallSeconds - Double(offsets.min()!))
        return timeZone.nextDaylightSavingTimeTransition(after: before.addingTimeInterval(-7_200)) ?? before
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.date, lhs.time) < (rhs.date, rhs.time)
    }

    public var description: String { "\(date)T\(time)" }
}
