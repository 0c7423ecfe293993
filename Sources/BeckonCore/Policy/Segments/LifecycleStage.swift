import Foundation

/// Where a customer stands by the time since their last order.
///
/// `active`: ordered within `activeDays` (30); `at_risk`: no order for `atRiskDays` (90); `dormant`: for
/// `dormantDays` (180); `lapsed`: longer, or never ordered. Between 30 and 90 days a customer is `cooling`.
public enum LifecycleStage: String, Hashable, Sendable, CaseIterable {
    case active, cooling, atRisk = "at_risk", dormant, lapsed

    public struct Thresholds: Hashable, Sendable {
        public var activeDays: Int
        public var atRiskDays: Int
        public var dormantDays: Int

        public init(activeDays: Int = 30, atRiskDays: Int = 90, dormantDays: Int = 180) {
            self.activeDays = activeDays
            self.atRiskDays = atRiskDays
            self.dormantDays = dormantDays
        }
    }

    public static func of(_ customer: Customer, at now: Date, thresholds: Thresholds = Thresholds(),
                          zone: TimeZone = .gmt) -> LifecycleStage {
        guard let last = customer.lastOrderAt else { return .lapsed }
        let days = daysSince(last, at: now, in: zone)
        if days < thresholds.activeDays { return .active }
        if days < thresholds.atRiskDays { return .cooling }
        if days < thresholds.dormantDays { return .atRisk }
        // Dormant for as long again as it took to become dormant; lapsed after that.
        if days < thresholds.dormantDays * 2 { return .dormant }
        return .lapsed
    }

    /// Calendar days from `then` to `now` in the customer's zone: 0 on the day of the order, 1 the next day.
    /// Counted by local days, not 24-hour periods, so a customer's stage and `days_since_last_order` change only
    /// as a local day begins: when the planner plans that day, never in the middle of it.
    public static func daysSince(_ then: Date, at now: Date, in zone: TimeZone) -> Int {
        LocalDate(now, in: zone).dayNumber - LocalDate(then, in: zone).dayNumber
    }
}
