import Foundation

/// What the policy decided about one message, with a stable reason code for receipts and a sentence
/// for `explain`.
public enum PolicyVerdict: Hashable, Sendable {
    /// Send at `sendAt`, and not after `validUntil`.
    case send(sendAt: Date, validUntil: Date)
    /// Never send this message (opted out, no consent, blocked, hard-failed number).
    case suppressed(Reason)
    /// Not now; look again at `until` (still before the message's `validUntil`).
    case deferred(until: Date, Reason)
    /// Never send: the campaign's rules say so (outside its window and set to drop, lost to a higher priority).
    case dropped(Reason)
    /// Too late: its `validUntil` passed (downtime); an `expired` receipt instead of a stale message.
    case expired(Reason)

    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        /// Stable, machine-readable (`opted_out`, `cap_2_per_7d`, `outside_window`, ...).
        public var code: String
        /// For people: what stopped it, with the evidence (the earlier messages, the reply).
        public var detail: String

        public init(_ code: String, _ detail: String) {
            self.code = code
            self.detail = detail
        }

        public var description: String { "\(code): \(detail)" }
    }

    public var reason: Reason? {
        switch self {
        case .send: return nil
        case .suppressed(let r), .deferred(_, let r), .dropped(let r), .expired(let r): return r
        }
    }

    /// The ledger status this verdict records.
    public var status: MessageStatus {
        switch self {
        case .send: return .scheduled
        case .suppressed: return .suppressed
        case .deferred: return .deferred
        case .dropped: return .dropped
        case .expired: return .expired
        }
    }
}
