/// Where a message stands in the ledger; receipts report the same words.
///
/// Lifecycle: `scheduled` -> `pending` (a send is under way) -> `sent` / `queued` / `failed`, then
/// `delivered` / `undelivered` from delivery reports. `unknown` is a `pending` whose outcome a crash hid
/// and that the channel cannot safely resend. `suppressed`, `deferred`, `dropped` and `expired` record a
/// decision not to send (now, or at all).
public enum MessageStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case scheduled, pending, queued, sent, delivered, undelivered, failed, unknown
    case suppressed, deferred, dropped, expired

    /// How far along its lifecycle a message is: the one order that every writer of the ledger respects.
    ///
    /// A state only moves to a later stage. The two moves back are a dispatcher's retry (`pending` to
    /// `scheduled` with a later send time) and an operator's resend of an `unknown`; both start from an
    /// in-flight stage, and `LedgerTransition` is where they are allowed. Nothing moves a message that the
    /// gateway accepted back, so a timeout or an `unknown` can never overwrite what a report confirmed.
    public enum Stage: Int, Sendable, Hashable, Comparable {
        /// Waiting for its send time (`scheduled`, or `deferred` by the policy).
        case planned
        /// Handed to a channel, outcome not known yet (`pending`), or never known (`unknown`).
        case inFlight
        /// The gateway holds it for later (`queued`: Kannel's "queued for later delivery", an SMSC's buffer).
        case accepted
        /// The gateway or the SMSC took it (`sent`).
        case sent
        /// Nothing will change it again: delivered, undelivered, failed, or a decision not to send.
        case settled

        public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var stage: Stage {
        switch self {
        case .scheduled, .deferred: return .planned
        case .pending, .unknown: return .inFlight
        case .queued: return .accepted
        case .sent: return .sent
        case .delivered, .undelivered, .failed, .suppressed, .dropped, .expired: return .settled
        }
    }

    /// Final states never change again, except `sent`/`queued` moving on to a delivery outcome.
    public var isFinal: Bool { stage == .settled }

    /// Messages that went (or may have gone) out: they count toward frequency caps.
    public var countsAsSent: Bool {
        switch self {
        case .pending, .queued, .sent, .delivered, .undelivered, .unknown: return true
        default: return false
        }
    }
}
