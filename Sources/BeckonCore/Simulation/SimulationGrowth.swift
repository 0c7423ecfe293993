import Foundation

/// `--growth 5%`: the customer base grows by this fraction a month, compounded. The simulation runs over
/// today's customers; growth scales each day's counts by (1 + rate) ^ (months since the first simulated day),
/// a month being 365.25 / 12 days. An estimate: new customers are assumed to behave like today's on average,
/// and caps and budgets were decided for today's customers only (so a budgeted campaign's scaled figures are
/// clipped to its limits, as the real budget would hold the excess).
public struct SimulationGrowth: Hashable, Sendable, CustomStringConvertible {
    /// Per month: 0.05 for 5 %.
    public var monthlyRate: Double

    public init(monthlyRate: Double) {
        self.monthlyRate = monthlyRate
    }

    /// `5%`, `5`, `0.5%` or `-2%` (a shrinking base); nil when it is not a percentage above -100 %.
    public init?(parsing text: String) {
        var number = text.trimmingCharacters(in: .whitespaces)
        if number.hasSuffix("%") { number.removeLast() }
        guard let percent = Double(number.trimmingCharacters(in: .whitespaces)), percent.isFinite, percent > -100 else { return nil }
        monthlyRate = percent / 100
    }

    public static let daysPerMonth = 365.25 / 12

    /// How many times today's base there are `days` days after the first simulated day.
    public func factor(afterDays days: Int) -> Double { pow(1 + monthlyRate, Double(days) / Self.daysPerMonth) }

    public var description: String { "\(String(format: "%g", monthlyRate * 100))% a month" }

    /// The tally's figures scaled day by day. For a budgeted campaign the scaled day's and month's segments and
    /// cost stay within its limits (messages in proportion): the budget would hold the rest.
    public func scaled(_ tally: SimulationTally, from first: LocalDate, budgets: BudgetRule) -> SimulationTally {
        var result = tally
        var monthUsed: [String: (month: Int, segments: Double, cost: Double)] = [:]
        for key in tally.rows.keys.sorted() {
            let figures = tally.rows[key]!
            let factor = factor(afterDays: key.day.dayNumber - first.dayNumber)
            func grown(_ value: Int) -> Int { Int((Double(value) * factor).rounded()) }
            var scaled = SimulationTally.Figures()
            scaled.planned = grown(figures.planned)
            scaled.heldOut = grown(figures.heldOut)
            scaled.heldByCaps = grown(figures.heldByCaps)
            scaled.heldByBudget = grown(figures.heldByBudget)
            scaled.stopped = grown(figures.stopped)
            var segments = Double(figures.segments) * factor
            var cost = figures.cost * factor
            if let budget = budgets.budgets[key.campaign] {
                let month = key.day.year * 12 + key.day.month
                var used: (month: Int, segments: Double, cost: Double) = monthUsed[key.campaign].flatMap { $0.month == month ? $0 : nil } ?? (month, 0, 0)
                // The share of the day's demand that fits every limit.
                var share = 1.0
                for limit in budget.limits {
                    let demand = limit.unit == .segments ? segments : cost
                    guard demand > 0 else { continue }
                    let room = limit.amount - (limit.period == .month ? (limit.unit == .segments ? used.segments : used.cost) : 0)
                    share = min(share, max(0, room) / demand)
                }
                if share < 1 {
                    scaled.heldByBudget += Int((Double(figures.sent) * factor * (1 - share)).rounded())
                    segments *= share
                    cost *= share
                }
                used.segments += segments
                used.cost += cost
                monthUsed[key.campaign] = used
                scaled.sent = Int((Double(figures.sent) * factor * share).rounded())
            } else {
                scaled.sent = grown(figures.sent)
            }
            scaled.segments = Int(segments.rounded())
            scaled.cost = cost
            result.rows[key] = scaled
        }
        for (channel, hours) in tally.channelHours {
            result.channelHours[channel] = Dictionary(uniqueKeysWithValues: hours.map { hour, count in
                let day = LocalDate(Date(timeIntervalSince1970: Double(hour) * 3600), in: budgets.zone)
                return (hour, Int((Double(count) * factor(afterDays: day.dayNumber - first.dayNumber)).rounded()))
            })
        }
        return result
    }
}
