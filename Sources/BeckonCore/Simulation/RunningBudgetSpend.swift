import Foundation

/// A campaign's budget spend as time moves on: the day's part starts again at each local day of the brand's
/// zone, the month's at each month, as `SQLiteStore.budgetSpend` reads them for the instant of a claim.
public struct RunningBudgetSpend: Sendable {
    public private(set) var spend: BudgetSpend
    private var day: DateInterval
    private var month: DateInterval

    /// - Parameter spend: what was spent already in the day and month that hold `now`.
    public init(_ spend: BudgetSpend = BudgetSpend(), at now: Date, rule: BudgetRule) {
        self.spend = spend
        (day, month) = rule.periods(at: now)
    }

    /// The spend as a claim at `now` reads it.
    public mutating func current(at now: Date, rule: BudgetRule) -> BudgetSpend {
        if !month.contains(now) || now == month.end {
            (day, month) = rule.periods(at: now)
            spend = BudgetSpend()
        } else if !day.contains(now) || now == day.end {
            day = rule.periods(at: now).day
            spend.daySegments = 0
            spend.dayCost = 0
        }
        return spend
    }

    public mutating func record(_ spend: BudgetSpend) { self.spend = spend }
}
