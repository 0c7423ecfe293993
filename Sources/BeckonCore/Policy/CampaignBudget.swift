import Foundation

/// What a campaign may spend (`budget: { monthly: 3000, daily: 200, monthly_segments: 100 }`): money in the
/// channels' `unit_price` currency (`report.currency`), or SMS segments, per local day and per local month of
/// the brand's zone (`timezone:`). Every limit given applies; the first one a message would pass holds it.
public struct CampaignBudget: Hashable, Sendable {
    public enum Period: String, Hashable, Sendable, CaseIterable {
        case day, month
    }

    public enum Unit: String, Hashable, Sendable {
        /// `report.currency`: segments x the unit price of the channel the message is claimed for.
        case money
        case segments
    }

    public struct Limit: Hashable, Sendable, CustomStringConvertible {
        public var period: Period
        public var unit: Unit
        public var amount: Double

        public init(period: Period, unit: Unit, amount: Double) {
            self.period = period
            self.unit = unit
            self.amount = amount
        }

        /// The YAML key: `daily`, `monthly`, `daily_segments`, `monthly_segments`.
        public var key: String { (period == .day ? "daily" : "monthly") + (unit == .segments ? "_segments" : "") }
        public var description: String { "\(key) \(unit == .segments ? String(Int(amount)) : BudgetSpend.money(amount))" }
    }

    public var limits: [Limit]

    public init(limits: [Limit]) {
        self.limits = limits
    }

    public var needsPrices: Bool { limits.contains { $0.unit == .money } }
}

/// What a campaign spent in the current local day and month: the ledger's messages sent or in flight
/// (claimed), counted at the instant they were claimed.
public struct BudgetSpend: Hashable, Sendable {
    public var daySegments = 0
    public var dayCost = 0.0
    public var monthSegments = 0
    public var monthCost = 0.0

    public init(daySegments: Int = 0, dayCost: Double = 0, monthSegments: Int = 0, monthCost: Double = 0) {
        self.daySegments = daySegments
        self.dayCost = dayCost
        self.monthSegments = monthSegments
        self.monthCost = monthCost
    }

    func used(_ limit: CampaignBudget.Limit) -> Double {
        switch (limit.period, limit.unit) {
        case (.day, .segments): return Double(daySegments)
        case (.day, .money): return dayCost
        case (.month, .segments): return Double(monthSegments)
        case (.month, .money): return monthCost
        }
    }

    public mutating func add(segments: Int, cost: Double) {
        daySegments += segments
        monthSegments += segments
        dayCost += cost
        monthCost += cost
    }

    static func money(_ amount: Double) -> String { String(format: "%.2f", amount) }
}

/// The one rule for budgets, applied where a message is claimed for sending (inside the store's claim
/// transaction, so two batches or two processes cannot overshoot) and by anything that predicts it.
public struct BudgetRule: Sendable {
    public let budgets: [String: CampaignBudget]
    /// Channel id -> price of one segment (`unit_price`).
    public let unitPrices: [String: Double]
    /// Days and months are the brand's (`timezone:`), whatever the customers' zones.
    public let zone: TimeZone

    public init(budgets: [String: CampaignBudget], unitPrices: [String: Double], zone: TimeZone) {
        self.budgets = budgets.filter { !$0.value.limits.isEmpty }
        self.unitPrices = unitPrices
        self.zone = zone
    }

    public var isEmpty: Bool { budgets.isEmpty }

    public static let exhausted = "budget_exhausted"

    /// The local day and month that hold `now`.
    public func periods(at now: Date) -> (day: DateInterval, month: DateInterval) {
        let today = LocalDate(now, in: zone)
        let first = LocalDate(year: today.year, month: today.month, day: 1)!
        let next = today.month == 12 ? LocalDate(year: today.year + 1, month: 1, day: 1)! : LocalDate(year: today.year, month: today.month + 1, day: 1)!
        return (DateInterval(start: today.start(in: zone), end: today.adding(days: 1).start(in: zone)),
                DateInterval(start: first.start(in: zone), end: next.start(in: zone)))
    }

    /// What one segment through `channel` costs (0 without a price: the configuration refuses money budgets then).
    public func price(channel: String) -> Double { unitPrices[channel] ?? 0 }

    /// Whether a message of `segments` parts through `channel` fits the campaign's budget beside `spend`: nil
    /// when it fits (and `spend` now includes it), otherwise why it is held: deferred to the start of the period
    /// that frees the budget, or dropped when that comes at or after its `valid_until` (as a full cap does).
    public func admit(campaign: String, segments: Int, channel: String, spend: inout BudgetSpend, at now: Date,
                      validUntil: Date) -> PolicyVerdict? {
        guard let budget = budgets[campaign] else { return nil }
        let cost = Double(segments) * price(channel: channel)
        let periods = periods(at: now)
        // The month's limit outlasts the day's: a message both would stop waits for the later of the two.
        var frees: Date?
        var broken: [String] = []
        for limit in budget.limits {
            let adding = limit.unit == .segments ? Double(segments) : cost
            // A small tolerance: sums of prices in floating point must not refuse the message that fits exactly.
            guard spend.used(limit) + adding > limit.amount + 1e-9 else { continue }
            let end = limit.period == .day ? periods.day.end : periods.month.end
            frees = max(frees ?? end, end)
            let used = limit.unit == .segments ? String(Int(spend.used(limit))) : BudgetSpend.money(spend.used(limit))
            broken.append("\(limit) (\(used) used this \(limit.period.rawValue), this message \(limit.unit == .segments ? "\(segments) segment(s)" : BudgetSpend.money(cost)))")
        }
        guard let frees else {
            spend.add(segments: segments, cost: cost)
            return nil
        }
        let reason = PolicyVerdict.Reason(Self.exhausted, "campaign \(campaign)'s budget: " + broken.joined(separator: ", "))
        return frees < validUntil ? .deferred(until: frees, reason) : .dropped(reason)
    }
}
