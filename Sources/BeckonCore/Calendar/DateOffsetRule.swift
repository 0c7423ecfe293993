import Foundation

/// Fires N days before or after a date field: 3 days before `card_expires_on`, or waves of recall
/// 7, 15 and 30 days after a customer lapsed (lapsed = `last_order_at` + 90 days).
///
/// Each offset is a wave (1, 2, 3 ... in the order given), part of the message key. The exit condition is
/// built in: the base date is read from the customer as they are now, so a newer `last_order_at` moves
/// the base and the old waves simply stop coming. `cancelledBy` ends them sooner: a cancelling event (a
/// `purchase` from a trigger file) after the field's date drops the waves still to come, up to the moment
/// each would be sent (after the instant, for `last_order_at`; after the day, for a date-only column).
public struct DateOffsetRule: TriggerRule, Hashable {
    public var field: String
    /// Days added to the field to get the base date (e.g. 90: lapsed = last order + 90 days).
    public var baseOffsetDays: Int
    /// Offsets from the base, one wave each (negative: before).
    public var offsets: [Int]
    public var cancelledBy: Set<String>

    public init(field: String, baseOffsetDays: Int = 0, offsets: [Int], cancelledBy: Set<String> = []) {
        self.cancelledBy = cancelledBy
        self.field = field
        self.baseOffsetDays = baseOffsetDays
        self.offsets = offsets
    }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        guard let date = DateField.date(field, of: customer, in: window.timeZone, offsets: window.zoneOffsets) else { return [] }
        let base = date.adding(days: baseOffsetDays)
        // Read only when a wave is due (most customers have none due, and a zone's day start is not free).
        func anchor() -> Date? {
            guard !cancelledBy.isEmpty else { return nil }
            if field == "last_order_at", let instant = customer.lastOrderAt { return instant }
            return date.adding(days: 1).start(in: window.timeZone)
        }
        return offsets.enumerated().compactMap { index, offset in
            guard let dayIndex = window.index(of: base.adding(days: offset)) else { return nil }
            let describe = offset == 0 ? "on" : "\(abs(offset)) days \(offset < 0 ? "before" : "after")"
            let what = baseOffsetDays == 0 ? "\(field) \(date)" : "\(field) \(date) + \(baseOffsetDays) days"
            var occurrence = window.occurrence(onDay: dayIndex, wave: offsets.count > 1 ? index + 1 : 0, reason: "\(describe) \(what)")
            occurrence.triggeredAt = anchor()
            return occurrence
        }
    }
}
