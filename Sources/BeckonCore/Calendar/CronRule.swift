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

    public func occurrences(for customer: Customer, in window: DateInterval, timeZone customerZone: TimeZone,
                            context: CalendarContext) -> [Occurrence] {
        let zone = timeZone ?? customerZone
        var result: [Occurrence] = []
        var from = window.start
        while true {
            guard let fire = expression.next(after: from, count: 1, in: zone, horizonDays: window.localDays(in: zone).count + 2).first,
                  fire <= window.end else { return result }
            result.append(Occurrence(localDate: LocalDate(fire, in: customerZone), instant: fire, reason: "cron \(expression)"))
            from = fire
        }
    }
}
