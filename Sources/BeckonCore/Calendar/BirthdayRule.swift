import Foundation

/// Fires on the customer's birthday, or `offsetDays` around it (negative: before).
public struct BirthdayRule: TriggerRule, Hashable {
    /// Where a 29 February birthday is celebrated in a common year.
    public enum LeapDayPolicy: String, Sendable, Hashable, CaseIterable {
        case february28 = "feb28"
        case march1 = "mar1"
    }

    public var offsetDays: Int
    public var leapDay: LeapDayPolicy

    public init(offsetDays: Int = 0, leapDay: LeapDayPolicy = .february28) {
        self.offsetDays = offsetDays
        self.leapDay = leapDay
    }

    /// The solar day the birthday is celebrated in `year`.
    public func celebration(of birthday: LocalDate, in year: Int) -> LocalDate {
        if let date = LocalDate(year: year, month: birthday.month, day: birthday.day) { return date }
        // Only 29 February can be missing.
        return leapDay == .february28 ? LocalDate(year: year, month: 2, day: 28)! : LocalDate(year: year, month: 3, day: 1)!
    }

    public func occurrences(for customer: Customer, in window: DateInterval, timeZone: TimeZone,
                            context: CalendarContext) -> [Occurrence] {
        guard let birthday = customer.birthday else { return [] }
        return window.localDays(in: timeZone).compactMap { day in
            // The birthday whose (offset) fire day is `day` lies `-offsetDays` away from it.
            let birthdayDay = day.adding(days: -offsetDays)
            guard celebration(of: birthday, in: birthdayDay.year) == birthdayDay else { return nil }
            let reason = offsetDays == 0 ? "birthday \(birthday.month)-\(birthday.day)"
                : "\(abs(offsetDays)) days \(offsetDays < 0 ? "before" : "after") birthday"
            return Occurrence(localDate: day, instant: day.start(in: timeZone), reason: reason)
        }
    }
}
