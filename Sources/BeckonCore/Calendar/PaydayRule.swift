import Foundation

/// Fires around payday: a day of the month (the 25th) or the last working day, moved off rest days.
public struct PaydayRule: TriggerRule, Hashable {
    public enum Day: Hashable, Sendable {
        /// Clipped to the month's length (31 -> 30 in April).
        case dayOfMonth(Int)
        case lastWorkingDay
    }

    public enum Shift: String, Hashable, Sendable, CaseIterable {
        /// Employers usually pay early when payday is a rest day.
        case previous
        case next
        case none
    }

    public var day: Day
    public var shift: Shift
    /// Days after (positive) or before payday to fire: 1 = the day after payday.
    public var offsetDays: Int

    public init(day: Day, shift: Shift = .previous, offsetDays: Int = 0) {
        self.day = day
        self.shift = shift
        self.offsetDays = offsetDays
    }

    /// Payday of a month, after shifting off rest days.
    public func payday(year: Int, month: Int, workingDays: WorkingDayCalendar) -> LocalDate {
        switch day {
        case .lastWorkingDay: return workingDays.lastWorkingDay(ofMonth: month, year: year)
        case .dayOfMonth(let n):
            let nominal = LocalDate(year: year, month: month, day: min(n, LocalDate.daysIn(month: month, year: year)))!
            switch shift {
            case .none: return nominal
            case .previous: return workingDays.workingDay(from: nominal, direction: -1)
            case .next: return workingDays.workingDay(from: nominal, direction: 1)
            }
        }
    }

    public var isPerCustomer: Bool { false }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        window.days.indices.compactMap { index in
            let day = window.days[index]
            // Payday of this month, the previous or the next can land on `day` once offset.
            for delta in [-1, 0, 1] {
                let monthIndex = day.year * 12 + day.month - 1 + delta
                let pay = payday(year: monthIndex / 12, month: monthIndex % 12 + 1, workingDays: context.workingDays)
                if pay.adding(days: offsetDays) == day {
                    let when = offsetDays == 0 ? "payday" : "\(abs(offsetDays)) days \(offsetDays < 0 ? "before" : "after") payday"
                    return window.occurrence(onDay: index, reason: "\(when) \(pay)")
                }
            }
            return nil
        }
    }
}
