/// What becomes of a message that was handed to a channel (`pending`) when the sender can no longer say what
/// happened: its process crashed, or its lease expired while it was paused, partitioned or slow.
///
/// The message may have left. Sending it again is safe only through a channel that cannot deliver the same key
/// twice (the medium or the gateway deduplicates by key); through any other channel it is `unknown`, for a
/// delivery report or an operator (`beckon resolve`) to settle. The one rule, for the dispatcher's recovery at
/// start-up and for every store's rescue of expired leases alike.
public enum InFlightRescue: Hashable, Sendable {
    /// Back to `scheduled`, due now: the channel drops a repeat of the key.
    case resend(reasonCode: String)
    /// Settled as `unknown`, with a receipt: a second send could reach the customer twice.
    case unknown(reasonCode: String)

    /// Why the sender lost track of the message; it names the reason code on the ledger row and receipt.
    public enum Cause: String, Hashable, Sendable {
        /// The process that claimed it is gone (judged by its pid and start time, on one host).
        case crash
        /// Its claim's lease ran out (judged by the database's clock, for any host).
        case leaseExpiry = "lease_expiry"
    }

    public static func decide(channelDeduplicatesByKey: Bool, cause: Cause) -> InFlightRescue {
        channelDeduplicatesByKey
            ? .resend(reasonCode: "resend_after_\(cause.rawValue)")
            : .unknown(reasonCode: "outcome_unknown_after_\(cause.rawValue)")
    }

    /// The state the message moves to.
    public var status: MessageStatus {
        switch self {
        case .resend: return .scheduled
        case .unknown: return .unknown
        }
    }

    public var reasonCode: String {
        switch self {
        case .resend(let code), .unknown(let code): return code
        }
    }
}
