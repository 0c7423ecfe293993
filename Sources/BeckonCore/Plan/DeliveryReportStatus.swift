
/// Turns delivery reports into ledger states, and decides whether a report may change a state.
///
/// Reports arrive out of order (Kannel can deliver the handset's final report before the SMSC ack), so
/// a state only ever moves up this ranking: a late `sent` never downgrades a `delivered`.
public enum DeliveryReportStatus {
    /// Kannel's `%d` DLR type (a bit of `dlr-mask`): 1 delivered, 2 undelivered, 4 buffered,
    /// 8 SMSC accepted, 16 SMSC rejected. `nil` for a value Kannel does not send.
    public static func kannel(_ type: Int) -> MessageStatus? {
        switch type {
        case 1: return .delivered
        case 2: return .undelivered
        case 4: return .queued
        case 8: return .sent
        case 16: return .undelivered
        default: return nil
        }
    }

    /// How far along a message is; a report is applied only when it ranks strictly higher.
    static func rank(_ status: MessageStatus) -> Int {
        switch status {
        case .scheduled, .deferred: return 0
        case .pending, .unknown: return 1
        case .queued: return 2
        case .sent: return 3
        case .delivered, .undelivered, .failed, .suppressed, .dropped, .expired: return 4
        }
    }

    /// The state after `report`, given the `current` one.
    public static func merge(current: MessageStatus, report: MessageStatus) -> MessageStatus {
        rank(report) > rank(current) ? report : current
    }

    /// A multipart message's state from its parts' states: delivered only when every part is,
    /// undelivered as soon as one part is, otherwise the least advanced part.
    public static func combine(parts: [MessageStatus]) -> MessageStatus? {
        guard let first = parts.first else { return nil }
        if parts.contains(.undelivered) { return .undelivered }
        if parts.allSatisfy({ $0 == .delivered }) { return .delivered }
        return parts.filter { $0 != .delivered }.min { rank($0) < rank($1) } ?? first
    }
}
