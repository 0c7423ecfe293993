import Foundation

/// A message the planner decided to send: rendered, addressed, keyed, with its time limits.
public struct PlannedMessage: Hashable, Sendable {
    public var key: MessageKey
    public var category: MessageCategory
    public var phone: String
    public var channel: String
    public var text: String
    public var variant: String
    /// Earliest instant to send (inside the customer's send window).
    public var sendAt: Date
    /// After this the message is stale: it is expired, never sent late.
    public var validUntil: Date
    /// Why it was planned (the occurrence's reason), kept for receipts and `explain`.
    public var reason: String

    /// The input row the message comes from (`members.csv:12`, or the trigger file's row), for reconciliation.
    public var source: String = ""
    /// What it reacts to (the event, or the date waves count from): a cancelling event after this instant
    /// drops it, and a newer message of the same campaign for the customer supersedes it. Nil for the rest.
    public var triggeredAt: Date?
    /// The tracked links in `text`, recorded with the ledger row in the same transaction.
    public var links: [TrackedLink] = []
    /// The code it takes from its campaign's pool when its ledger row is written; `text` has slots for it.
    public var coupon: CouponRequest?

    public init(key: MessageKey, category: MessageCategory, phone: String, channel: String, text: String,
                variant: String = "", sendAt: Date, validUntil: Date, reason: String, source: String = "",
                triggeredAt: Date? = nil, links: [TrackedLink] = []) {
        self.links = links
        self.source = source
        self.triggeredAt = triggeredAt
        self.key = key
        self.category = category
        self.phone = phone
        self.channel = channel
        self.text = text
        self.variant = variant
        self.sendAt = sendAt
        self.validUntil = validUntil
        self.reason = reason
    }
}
