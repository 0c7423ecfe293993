import Foundation

/// Fires at every instant a cron expression matches, in the customer's zone or a fixed one.
public struct CronRule: TriggerRule, Hashable {
    public var expression: CronExpression
    /// A fixed zone for every customer (e.g. a campaign run from head office); nil: the customer's own.
    public var timeZone: TimeZone?

    public init(expression: CronExpression, timeZone: TimeZone? = nil) {
        self.expression = expression
        self.timeZone = timeZone
    }

    /// Per customer only when it runs in each customer's own zone; the planner caches per zone either way.
    public var isPerCustomer: Bool { false }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        guard let zone = timeZone, zone.identifier != window.timeZone.identifier else {
            return window.days.indices.flatMap { index -> [Occurrence] in
                guard expression.matches(day: window.days[index]) else { return [] }
                var fired: [Occurrence] = []
                for time in expression.times {
                    let instant = window.instant(dayIndex: index, time: time)
                    // Times skipped by a DST jump collapse onto one instant: fire once.
                    guard instant > window.interval.start, instant <= window.interval.end, instant != fired.last?.instant else { continue }
                    fired.append(Occurrence(localDate: window.days[index], instant: instant, reason: "cron \(expression)"))
                }
                return fired
            }
        }
        // A fixed zone: the campaign's instants, each on the customer's local day it falls on.
        var result: [Occurrence] = []
        var from = window.interval.start
        while let fire = expression.next(after: from, count: 1, in: zone, horizonDays: window.days.count + 2).first, fire <= window.interval.end {
            result.append(Occurrence(localDate: LocalDate(fire, in: window.timeZone), instant: fire, reason: "cron \(expression)"))
            from = fire
        }
        return result
    }
}
