import Foundation

/// A rule that says when a campaign fires for a customer.
///
/// Evaluation is over a window of instants (the span since the previous tick), seen in the customer's zone:
/// - day-based rules (birthdays, date offsets, payday, holidays) report every local day of the customer
///   that overlaps the window, once per day, with `instant` at the start of that day;
/// - instant-based rules (cron) report the instants inside the window.
/// Reporting a day twice across windows is harmless: the message key deduplicates it.
public protocol TriggerRule: Sendable {
    func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence]
    /// False when the result depends only on the window and its zone (payday, holidays, presets, cron):
    /// the planner then evaluates the rule once per zone instead of once per customer.
    var isPerCustomer: Bool { get }
}

extension TriggerRule {
    public var isPerCustomer: Bool { true }

    /// Convenience for callers holding a plain interval.
    public func occurrences(for customer: Customer, in interval: DateInterval, timeZone: TimeZone,
                            context: CalendarContext) -> [Occurrence] {
        occurrences(for: customer, in: EvaluationWindow(interval, in: timeZone), context: context)
    }
}

/// The local days an evaluation window covers in one zone, with their start instants: computed once per
/// zone and cycle, so that scanning a million customers costs no time-zone lookups.
public struct EvaluationWindow: Sendable {
    public let interval: DateInterval
    public let timeZone: TimeZone
    public let days: [LocalDate]
    /// Start instant of each of `days`.
    public let starts: [Date]
    /// Whether the zone's offset is the same all through each day (no DST change): then local times map
    /// to instants by arithmetic.
    let uniform: [Bool]
    /// The zone's offset (seconds) at the start of each day.
    let offsets: [Int]
    /// For the local dates of customers' timestamps (last order...).
    public let zoneOffsets: ZoneOffsets

    public init(_ interval: DateInterval, in timeZone: TimeZone) {
        self.interval = interval
        self.timeZone = timeZone
        days = interval.localDays(in: timeZone)
        starts = days.map { $0.start(in: timeZone) }
        let nextStarts = days.map { $0.adding(days: 1).start(in: timeZone) }
        offsets = starts.map { timeZone.secondsFromGMT(for: $0) }
        zoneOffsets = ZoneOffsets.shared(for: timeZone)
        uniform = zip(starts, nextStarts).map { start, next in next.timeIntervalSince(start) == 86_400 && timeZone.secondsFromGMT(for: next) == timeZone.secondsFromGMT(for: start) }
    }

    /// Index of `day` in `days`, by arithmetic.
    public func index(of day: LocalDate) -> Int? {
        guard let first = days.first else { return nil }
        let index = day.dayNumber - first.dayNumber
        return index >= 0 && index < days.count ? index : nil
    }

    /// The instant of a local time on the `index`-th day (DST rules of `LocalDateTime.instant(in:)`).
    public func instant(dayIndex index: Int, time: LocalTime) -> Date {
        if uniform[index] { return starts[index].addingTimeInterval(Double(time.minuteOfDay * 60)) }
        return LocalDateTime(date: days[index], time: time).instant(in: timeZone)
    }

    public func occurrence(onDay index: Int, wave: Int = 0, reason: String) -> Occurrence {
        Occurrence(wave: wave, localDate: days[index], instant: starts[index], reason: reason)
    }
}

extension DateInterval {
    /// The customer's local days that this window touches, in order.
    public func localDays(in timeZone: TimeZone) -> [LocalDate] {
        let first = LocalDate(start, in: timeZone)
        let last = LocalDate(end, in: timeZone)
        guard first <= last else { return [] }
        return (first.dayNumber...last.dayNumber).map(LocalDate.init(dayNumber:))
    }
}
