import Foundation

/// Fires on the yearly return of a date field (a birthday, a signup or first-order anniversary), or
/// `offsetDays` around it (negative: before), in the customer's time zone.
///
/// A customer whose birthday is marked lunar keeps the lunar month and day of their birth each year
/// (see `LunarCalendar.anniversary`). 29 February falls on 28 February in common years, or 1 March.
public struct BirthdayRule: TriggerRule, Hashable {
    /// Where a 29 February birthday is celebrated in a common year.
    public enum LeapDayPolicy: String, Sendable, Hashable, CaseIterable {
        case february28 = "feb28"
        case march1 = "mar1"
    }

    public var offsetDays: Int
    public var leapDay: LeapDayPolicy
    /// The date field: `birthday` (default), or any attribute column such as `signup_on`.
    public var field: String
    /// For fields other than `birthday`: whether year 0 (the date itself) counts (an anniversary does not).
    public var isAnniversary: Bool { field != "birthday" }

    public init(offsetDays: Int = 0, leapDay: LeapDayPolicy = .february28, field: String = "birthday") {
        self.offsetDays = offsetDays
        self.leapDay = leapDay
        self.field = field
    }

    /// The solar day the anniversary of `date` is kept in `year`.
    public func celebration(of date: LocalDate, in year: Int) -> LocalDate {
        if let day = LocalDate(year: year, month: date.month, day: date.day) { return day }
        // Only 29 February can be missing.
        return leapDay == .february28 ? LocalDate(year: year, month: 2, day: 28)! : LocalDate(year: year, month: 3, day: 1)!
    }

    /// The day kept in `year`, solar or lunar.
    public func keptDay(for customer: Customer, base: LocalDate, year: Int, lunar: LunarCalendar) -> LocalDate? {
        if field == "birthday" && customer.birthdayIsLunar {
            guard let born = lunar.lunar(base) else { return nil }
            // A lunar year overlaps two Gregorian years; find the one whose kept day lies in `year`.
            return [year - 1, year].compactMap { lunar.anniversary(month: born.month, day: born.day, in: $0) }.first { $0.year == year }
        }
        return celebration(of: base, in: year)
    }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        guard let base = DateField.date(field, of: customer, in: window.timeZone, offsets: window.zoneOffsets) else { return [] }
        return window.days.indices.compactMap { index in
            let day = window.days[index]
            // The anniversary whose (offset) fire day is `day` lies `-offsetDays` away from it.
            let kept = day.adding(days: -offsetDays)
            guard kept.year > base.year || (!isAnniversary && kept.year >= base.year),
                  keptDay(for: customer, base: base, year: kept.year, lunar: context.lunar) == kept else { return nil }
            let what = field == "birthday" ? (customer.birthdayIsLunar ? "lunar birthday" : "birthday") : "\(field) anniversary"
            let reason = offsetDays == 0 ? "\(what) \(kept)" : "\(abs(offsetDays)) days \(offsetDays < 0 ? "before" : "after") \(what) \(kept)"
            return window.occurrence(onDay: index, reason: reason)
        }
    }
}
