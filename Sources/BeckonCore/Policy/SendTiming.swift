import Crypto
import Foundation

/// When, in the customer's local time, a message may go: the campaign's send window minus quiet hours.
///
/// Sends are spread across the allowed time deterministically per message key (a hash, the same on every
/// machine and restart), instead of all at the window's first second.
public struct SendTiming: Hashable, Sendable {
    public enum OutsideWindow: String, Hashable, Sendable, CaseIterable {
        /// Move to the next allowed window (default).
        case `defer`
        /// Give up on this occurrence, with a `dropped` receipt.
        case drop
    }

    /// Allowed minutes of the day, sorted, non-overlapping `[from, to)` ranges on 0...1440.
    public let allowed: [Range<Int>]
    public let window: TimeWindow
    public let quietHours: TimeWindow?
    public let outsideWindow: OutsideWindow
    /// False: day-based messages go as the allowed time opens instead of at a spread point.
    public let spreads: Bool

    /// How far ahead an instant-based occurrence may be deferred looking for an allowed window.
    static let maxDeferralDays = 7

    public init(window: TimeWindow, quietHours: TimeWindow?, outsideWindow: OutsideWindow = .defer, spreads: Bool = true) {
        self.spreads = spreads
        self.window = window
        self.quietHours = quietHours
        self.outsideWindow = outsideWindow
        var minutes = [Bool](repeating: false, count: 1440)
        for range in window.minuteRanges { for m in range { minutes[m] = true } }
        for range in quietHours?.minuteRanges ?? [] { for m in range { minutes[m] = false } }
        var ranges: [Range<Int>] = []
        var start: Int?
        for m in 0...1440 {
            let on = m < 1440 && minutes[m]
            if on, start == nil { start = m }
            if !on, let s = start {
                ranges.append(s..<m)
                start = nil
            }
        }
        allowed = ranges
    }

    /// Decides when a message for `occurrence` goes, as seen at `now`.
    ///
    /// - Day-based occurrences (the trigger names a day, its instant is the day's start) are spread over
    ///   the allowed time of that day and are valid until its end: a birthday message is never sent after
    ///   the birthday.
    /// - Instant-based occurrences (cron, events) go at their instant when it is allowed; otherwise they
    ///   move to the next allowed window (or are dropped, per campaign), valid until that window closes.
    public func verdict(for occurrence: Occurrence, key: MessageKey, zone: TimeZone, now: Date) -> PolicyVerdict {
        let verdict = schedule(for: occurrence, key: key, zone: zone)
        if case .send(_, let validUntil) = verdict, validUntil <= now {
            return .expired(.init("past_valid_until", "its time to send ended at \(ISOInstant.format(validUntil, in: zone)) (Beckon was not running)"))
        }
        return verdict
    }

    /// The same decision regardless of the current instant (so without expiry).
    public func schedule(for occurrence: Occurrence, key: MessageKey, zone: TimeZone) -> PolicyVerdict {
        guard !allowed.isEmpty else {
            return .dropped(.init("no_allowed_time", "window \(window) lies entirely inside quiet hours \(quietHours.map { "\($0)" } ?? "")"))
        }
        let isDayBased = occurrence.instant == occurrence.localDate.start(in: zone)
        return isDayBased ? spread(on: occurrence.localDate, key: key, zone: zone) : atOrAfter(occurrence.instant, key: key, zone: zone)
    }

    /// A deterministic point inside the day's allowed time, measured in real seconds so that a DST jump
    /// (a missing or repeated hour) is neither overshot nor counted twice.
    func spread(on day: LocalDate, key: MessageKey, zone: TimeZone) -> PolicyVerdict {
        let spans = allowed.map { (instant(day, minute: $0.lowerBound, zone: zone), instant(day, minute: $0.upperBound, zone: zone)) }
            .filter { $0.1 > $0.0 }
        let total = spans.reduce(0) { $0 + $1.1.timeIntervalSince($1.0) }
        guard let last = spans.last, total > 0 else {
            return .dropped(.init("no_allowed_time", "the allowed time does not exist on \(day) (a DST change)"))
        }
        var offset = spreads ? (Self.fraction(of: key.description) * total).rounded(.down) : 0
        var sendAt = last.0
        for (opens, closes) in spans {
            let width = closes.timeIntervalSince(opens)
            if offset < width {
                sendAt = opens.addingTimeInterval(offset)
                break
            }
            offset -= width
        }
        return .send(sendAt: sendAt, validUntil: last.1)
    }

    func atOrAfter(_ moment: Date, key: MessageKey, zone: TimeZone) -> PolicyVerdict {
        let day = LocalDate(moment, in: zone)
        let seconds = moment.timeIntervalSince(day.start(in: zone))
        let minute = Int(seconds / 60)
        if let range = allowed.first(where: { $0.contains(minute) }) {
            return .send(sendAt: moment, validUntil: instant(day, minute: range.upperBound, zone: zone))
        }
        if outsideWindow == .drop {
            return .dropped(.init("outside_window", "fires at \(ISOInstant.format(moment, in: zone)), outside the allowed time \(describeAllowed())"))
        }
        // The next allowed range today, else the first one on a following day.
        for offset in 0...Self.maxDeferralDays {
            let candidateDay = day.adding(days: offset)
            for range in allowed where offset > 0 || range.lowerBound > minute {
                let opens = instant(candidateDay, minute: range.lowerBound, zone: zone)
                let closes = instant(candidateDay, minute: range.upperBound, zone: zone)
                let width = closes.timeIntervalSince(opens)
                // Spread like a day-based message, unless the campaign says `spread: false`: then it goes as
                // the window opens.
                let offset = spreads ? (Self.fraction(of: key.description) * width).rounded(.down) : 0
                return .send(sendAt: opens.addingTimeInterval(offset), validUntil: closes)
            }
        }
        return .dropped(.init("no_allowed_time", "no allowed time within \(Self.maxDeferralDays) days"))
    }

    /// When a message that lost `day` goes on the next day with allowed time (its spread point, or the
    /// opening with `spread: false`), within a week; nil when there is none.
    public func firstSendTime(after day: LocalDate, key: MessageKey, zone: TimeZone) -> Date? {
        guard !allowed.isEmpty else { return nil }
        for offset in 1...Self.maxDeferralDays {
            if case .send(let at, _) = spread(on: day.adding(days: offset), key: key, zone: zone) { return at }
        }
        return nil
    }

    /// Whether `moment` falls in the allowed time, in `zone`.
    public func allows(_ moment: Date, in zone: TimeZone) -> Bool {
        let day = LocalDate(moment, in: zone)
        return allowed.contains { range in
            instant(day, minute: range.lowerBound, zone: zone) <= moment && moment < instant(day, minute: range.upperBound, zone: zone)
        }
    }

    /// The next instant the allowed time opens after `moment`, within a week.
    public func nextOpening(after moment: Date, in zone: TimeZone) -> Date? {
        let day = LocalDate(moment, in: zone)
        for offset in 0...Self.maxDeferralDays {
            for range in allowed {
                let opens = instant(day.adding(days: offset), minute: range.lowerBound, zone: zone)
                if opens > moment { return opens }
            }
        }
        return nil
    }

    func instant(_ day: LocalDate, minute: Int, zone: TimeZone) -> Date {
        if minute >= 1440 { return day.adding(days: 1).start(in: zone) }
        return LocalDateTime(date: day, time: LocalTime(minuteOfDay: minute)).instant(in: zone)
    }

    public func describeAllowed() -> String {
        allowed.map { "\(LocalTime(minuteOfDay: $0.lowerBound))-\(LocalTime(minuteOfDay: min($0.upperBound, 1440)))" }
            .joined(separator: ", ")
    }

    /// A stable number in [0, 1) from text: the first 8 bytes of its SHA-256.
    public static func fraction(of text: String) -> Double {
        let digest = SHA256.hash(data: Data(text.utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }
}
