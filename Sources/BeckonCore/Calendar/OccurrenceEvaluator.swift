import Foundation

/// Evaluates every campaign's trigger for many customers over one window, sharing work between them:
/// each zone's days are computed once, and rules that do not depend on the customer (payday, holidays,
/// presets, cron) are evaluated once per zone.
public struct OccurrenceEvaluator {
    public let interval: DateInterval
    public let rules: [any TriggerRule]
    public let context: CalendarContext
    private var windows: [String: EvaluationWindow] = [:]
    private var shared: [String: [[Occurrence]]] = [:]

    public init(interval: DateInterval, rules: [any TriggerRule], context: CalendarContext) {
        self.interval = interval
        self.rules = rules
        self.context = context
    }

    /// Occurrences of rule `index` (in `rules` order) for `customer` in `zone`.
    public mutating func occurrences(of index: Int, for customer: Customer, in zone: TimeZone) -> [Occurrence] {
        let window = self.window(for: zone)
        let rule = rules[index]
        guard !rule.isPerCustomer else { return rule.occurrences(for: customer, in: window, context: context) }
        if let cached = shared[zone.identifier] { return cached[index] }
        let computed = rules.map { $0.isPerCustomer ? [] : $0.occurrences(for: customer, in: window, context: context) }
        shared[zone.identifier] = computed
        return computed[index]
    }

    public mutating func window(for zone: TimeZone) -> EvaluationWindow {
        if let window = windows[zone.identifier] { return window }
        let window = EvaluationWindow(interval, in: zone)
        windows[zone.identifier] = window
        return window
    }
}
