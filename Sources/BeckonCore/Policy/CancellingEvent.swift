import Foundation

/// The one rule for `cancelled_by`: a message reacting to something (an abandoned cart, the last order that
/// recall waves count from) is dropped as `cancelled` when a cancelling event (a purchase) happened after it
/// and by now. The planner applies it when an occurrence is decided and the send gate again at the moment of
/// sending, so a purchase that arrives while the reminder waits (deferred past quiet hours, say) still stops it.
public enum CancellingEvent {
    /// The reason a message triggered at `triggeredAt` no longer goes, or nil.
    ///
    /// - Parameters:
    ///   - names: the campaign's cancelling events.
    ///   - latest: the customer's latest instant of each event name (at most `now` is considered).
    public static func cancellation(names: Set<String>, triggeredAt: Date?, latest: [String: Date], now: Date,
                                    zone: TimeZone) -> PolicyVerdict.Reason? {
        guard let triggeredAt, !names.isEmpty else { return nil }
        let after = latest.filter { names.contains($0.key) && $0.value > triggeredAt && $0.value <= now }
        guard let first = after.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { return nil }
        return .init("cancelled", "\(first.key) at \(ISOInstant.format(first.value, in: zone)), after what triggered it (\(ISOInstant.format(triggeredAt, in: zone)))")
    }
}
