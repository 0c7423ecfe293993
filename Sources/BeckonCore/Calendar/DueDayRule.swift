import Foundation

/// A day-based trigger whose days depend on the customer (a birthday, an anniversary, N days from a date
/// column): it can say directly which local day it next fires on, so the planner keeps that day per customer
/// (`customer.next_due_at`) and, as a local day begins, plans only the customers due that day instead of
/// everyone (docs/planning.md). It must agree with `occurrences(for:in:context:)`: a day it fires on is a day
/// `nextDueDay` returns when asked from that day or before.
public protocol DueDayRule: TriggerRule {
    /// The first local day on or after `day` on which the rule fires for the customer, nil if none comes.
    func nextDueDay(onOrAfter day: LocalDate, for customer: Customer, zone: TimeZone, context: CalendarContext) -> LocalDate?
}

extension BirthdayRule: DueDayRule {
    public func nextDueDay(onOrAfter day: LocalDate, for customer: Customer, zone: TimeZone, context: CalendarContext) -> LocalDate? {
        guard let base = DateField.date(field, of: customer, in: zone) else { return nil }
        // The kept day of a year fires `offsetDays` from it, so a fire day on or after `day` is kept in one of the
        // years around it (a lunar day kept in a Gregorian year included).
        let fires = ((day.year - 1)...(day.year + 2)).compactMap { year -> LocalDate? in
            guard year > base.year || (!isAnniversary && year >= base.year),
                  let kept = keptDay(for: customer, base: base, year: year, lunar: context.lunar) else { return nil }
            return kept.adding(days: offsetDays)
        }
        return fires.filter { $0 >= day }.min()
    }
}

extension DateOffsetRule: DueDayRule {
    public func nextDueDay(onOrAfter day: LocalDate, for customer: Customer, zone: TimeZone, context: CalendarContext) -> LocalDate? {
        guard let date = DateField.date(field, of: customer, in: zone) else { return nil }
        let base = date.adding(days: baseOffsetDays)
        return offsets.map { base.adding(days: $0) }.filter { $0 >= day }.min()
    }
}

extension Trigger {
    /// The rule, when it is day-based and depends on the customer (its next day can be kept per customer).
    public var dueDayRule: (any DueDayRule)? {
        switch self {
        case .birthday(let rule): return rule
        case .dateOffset(let rule): return rule
        default: return nil
        }
    }

    /// Day-based and the same for every customer of a zone (payday, holiday countdowns, presets): when it fires
    /// on a day, everyone is planned for it.
    public var isSharedDayRule: Bool {
        switch self {
        case .payday, .holidayCountdown, .preset: return true
        default: return false
        }
    }
}
