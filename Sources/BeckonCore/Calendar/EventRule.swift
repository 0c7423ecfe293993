import Foundation

/// Fires `delay` after a customer event from a trigger file (`cart_abandoned` + 2 h), unless a cancelling
/// event (`purchase`) arrived in between. The event's attributes (product, price, link) are available to
/// the template.
public struct EventRule: TriggerRule, Hashable {
    public var event: String
    public var delay: TimeInterval
    public var cancelledBy: Set<String>

    public init(event: String, delay: TimeInterval, cancelledBy: Set<String> = []) {
        self.event = event
        self.delay = delay
        self.cancelledBy = cancelledBy
    }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        customer.events.compactMap { happened in
            guard happened.name == event else { return nil }
            let fire = happened.at.addingTimeInterval(delay)
            guard fire > window.interval.start, fire <= window.interval.end else { return nil }
            // A later purchase (or any cancelling event) before the message was due ends it.
            if customer.events.contains(where: { cancelledBy.contains($0.name) && $0.at > happened.at && $0.at <= fire }) { return nil }
            var occurrence = Occurrence(localDate: window.zoneOffsets.localDate(fire), instant: fire,
                                        reason: "\(event) at \(ISOInstant.format(happened.at, in: window.timeZone)) + \(Int(delay / 60)) min")
            occurrence.attributes = happened.attributes
            occurrence.source = happened.source.isEmpty ? nil : happened.source
            return occurrence
        }
    }
}
