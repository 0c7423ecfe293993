import Foundation

/// A rule that says when a campaign fires for a customer.
///
/// Evaluation is over a window of instants `(window.start, window.end]` (the span since the previous tick):
/// - day-based rules (birthdays, date offsets, payday, holidays) report every local day of the customer
///   that overlaps the window, once per day, with `instant` at the start of that day;
/// - instant-based rules (cron, events) report the instants inside the window.
/// Reporting a day twice across windows is harmless: the message key deduplicates it.
public protocol TriggerRule: Sendable {
    func occurrences(for customer: Customer, in window: DateInterval, timeZone: TimeZone,
                     context: CalendarContext) -> [Occurrence]
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
