import Foundation

/// One moment at which a campaign's trigger fires for one customer.
///
/// `localDate` is the customer's local day the occurrence belongs to; together with the campaign, the
/// wave and the customer it forms the message's idempotency key, so re-evaluating the same day can never
/// produce a second message.
public struct Occurrence: Hashable, Sendable {
    /// 0 for single-shot triggers; 1, 2, 3 ... for the waves of a repeated trigger.
    public var wave: Int
    public var localDate: LocalDate
    /// When the trigger nominally fires (for day-based triggers: the start of `localDate` in the customer's zone).
    public var instant: Date
    /// Human-readable why, for `explain` and receipts ("birthday 03-05", "3 days before card_expires_on").
    public var reason: String
    /// Values the trigger adds for the template (an event's product, price, link).
    public var attributes: [String: String] = [:]
    /// The input row behind an event occurrence (file and line); nil for calendar triggers (the customer's row).
    public var source: String?
    /// What the occurrence reacts to: the event's instant, or the date recall waves count from. A cancelling
    /// event after it (a purchase after the abandoned cart or after the last order) ends the message, up to
    /// the moment of sending. Nil for triggers nothing cancels.
    public var triggeredAt: Date?

    public init(wave: Int = 0, localDate: LocalDate, instant: Date, reason: String) {
        self.wave = wave
        self.localDate = localDate
        self.instant = instant
        self.reason = reason
    }
}
