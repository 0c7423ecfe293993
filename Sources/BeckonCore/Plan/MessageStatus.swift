/// Where a message stands in the ledger; receipts report the same words.
///
/// Lifecycle: `scheduled` -> `pending` (a send is under way) -> `sent` / `queued` / `failed`, then
/// `delivered` / `undelivered` from delivery reports. `unknown` is a `pending` whose outcome a crash hid
/// and that the channel cannot safely resend. `suppressed`, `deferred`, `dropped` and `expired` record a
/// decision not to send (now, or at all).
public enum MessageStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case scheduled, pending, queued, sent, delivered, undelivered, failed, unknown
    case suppressed, deferred, dropped, expired

    /// Final states never change again, except `sent`/`queued` moving on to a delivery outcome.
    public var isFinal: Bool {
        switch self {
        case .delivered, .undelivered, .failed, .suppressed, .dropped, .expired: return true
        case .scheduled, .pending, .queued, .sent, .unknown, .deferred: return false
        }
    }

    /// Messages that went (or may have gone) out: they count toward frequency caps.
    public var countsAsSent: Bool {
        switch self {
        case .pending, .queued, .sent, .delivered, .undelivered, .unknown: return true
        default: return false
        }
    }
}
