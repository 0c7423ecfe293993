import Foundation

/// Fires N days before a named holiday (e.g. 3, 1 and 0 days before Spring Festival).
public struct HolidayCountdownRule: TriggerRule, Hashable {
    public var holiday: String
    /// Days before the holiday, one wave each; 0 is the day itself.
    public var daysBefore: [Int]

    public init(holiday: String, daysBefore: [Int]) {
        self.holiday = holiday
        self.daysBefore = daysBefore
    }

    public var isPerCustomer: Bool { false }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        let days = window.days
        guard let first = days.first, let last = days.last else { return [] }
        let maxBefore = daysBefore.max() ?? 0
        let holidays = Set((first.year...(last.adding(days: maxBefore).year)).flatMap { context.holidays.dates(of: holiday, in: $0) })
        return days.indices.flatMap { dayIndex in
            daysBefore.enumerated().compactMap { index, before -> Occurrence? in
                let day = days[dayIndex]
                guard holidays.contains(day.adding(days: before)) else { return nil }
                let what = before == 0 ? "\(holiday) today" : "\(before) days before \(holiday) \(day.adding(days: before))"
                return window.occurrence(onDay: dayIndex, wave: daysBefore.count > 1 ? index + 1 : 0, reason: what)
            }
        }
    }
}
