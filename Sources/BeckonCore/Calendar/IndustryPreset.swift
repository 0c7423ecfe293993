import Foundation

/// Named day rules for industries, referenced from campaigns as `kind: preset`.
public enum IndustryPreset: Hashable, Sendable {
    /// Fast-moving consumer goods: Thursdays and Fridays, before the weekend shop.
    case fmcg
    /// Education: one month before winter and summer vacations (dates configurable).
    case education(winter: MonthDay, summer: MonthDay)
    /// Luxury: the 20th to the 25th of quarter-end months, when bonuses and quarter targets land.
    case luxury

    public struct MonthDay: Hashable, Sendable {
        public var month: Int
        public var day: Int
        public init(month: Int, day: Int) {
            self.month = month
            self.day = day
        }
    }

    public static let defaultWinterVacation = MonthDay(month: 1, day: 15)
    public static let defaultSummerVacation = MonthDay(month: 7, day: 1)

    public func matches(_ day: LocalDate) -> Bool {
        switch self {
        case .fmcg: return day.isoWeekday == 4 || day.isoWeekday == 5
        case .luxury: return [3, 6, 9, 12].contains(day.month) && (20...25).contains(day.day)
        case .education(let winter, let summer):
            // One month before: the same day of the previous month (clipped to its length).
            return [winter, summer].contains { start in
                let monthBefore = start.month == 1 ? 12 : start.month - 1
                return day.month == monthBefore && day.day == min(start.day, LocalDate.daysIn(month: monthBefore, year: day.year))
            }
        }
    }
}

/// A trigger that fires on every day an industry preset names.
public struct PresetRule: TriggerRule, Hashable {
    public var preset: IndustryPreset
    public var name: String

    public init(preset: IndustryPreset, name: String) {
        self.preset = preset
        self.name = name
    }

    public var isPerCustomer: Bool { false }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        window.days.indices.filter { preset.matches(window.days[$0]) }.map { window.occurrence(onDay: $0, reason: "preset \(name)") }
    }
}
