import Foundation

/// Fires `delay` after a customer event from a trigger file (`cart_abandoned` + 3 h). The event's attributes
/// (product, price, link) are available to the template.
///
/// An event is planned by the first cycle after it fires, or, when its file came later than that, by the
/// first cycle after it arrived: a late event is decided as it would have been on time (sent while its
/// message is still valid, else expired), never skipped. Its message key carries the instant it fires (as
/// seconds into its local day, in the wave's place), so two carts the same day are two messages, of which
/// the newest goes, and the same event delivered twice is one.
///
/// A cancelling event (`cancelled_by: [purchase]`) after the triggering one ends the message up to the
/// moment it is sent: the planner and the send gate both check it (`Occurrence.triggeredAt`).
public struct EventRule: TriggerRule, Hashable {
    public var event: String
    public var delay: TimeInterval
    public var cancelledBy: Set<String>
    /// The attribute columns the campaign's trigger files carry, declared in the campaign (`fields:`), for
    /// `beckon check`; the run renders whatever the event brings.
    public var fields: Set<String>

    public init(event: String, delay: TimeInterval, cancelledBy: Set<String> = [], fields: Set<String> = []) {
        self.event = event
        self.delay = delay
        self.cancelledBy = cancelledBy
        self.fields = fields
    }

    public func occurrences(for customer: Customer, in window: EvaluationWindow, context: CalendarContext) -> [Occurrence] {
        customer.events.compactMap { happened in
            guard happened.name == event else { return nil }
            let fire = happened.at.addingTimeInterval(delay)
            // Due in this window, or due earlier and arrived since the last planning.
            guard fire <= window.interval.end, fire > window.interval.start || happened.arrivedSincePlanning else { return nil }
            let localDate = window.zoneOffsets.localDate(fire)
            let secondsIntoDay = Int(fire.timeIntervalSince(localDate.start(in: window.timeZone)).rounded(.down))
            var occurrence = Occurrence(wave: secondsIntoDay, localDate: localDate, instant: fire,
                                        reason: "\(event) at \(ISOInstant.format(happened.at, in: window.timeZone)) + \(Int(delay / 60)) min")
            occurrence.attributes = happened.attributes
            occurrence.source = happened.source.isEmpty ? nil : happened.source
            occurrence.triggeredAt = happened.at
            return occurrence
        }
    }
}
