/// Turns delivery reports into ledger states, and decides whether a report may change a state.
///
/// Reports arrive out of order (Kannel can deliver the handset's final report before the SMSC ack), so
/// a state only ever moves to a later `MessageStatus.Stage`: a late `sent` never downgrades a `delivered`.
/// What a report does to a message's row and its receipts is `LedgerTransition.report`.
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

    /// The state after `report`, given the `current` one: the report only when it is at a later stage.
    public static func merge(current: MessageStatus, report: MessageStatus) -> MessageStatus {
        report.stage > current.stage ? report : current
    }

    /// A multipart message's state from its parts' states: delivered only when every part is,
    /// undelivered as soon as one part is, otherwise the least advanced part.
    public static func combine(parts: [MessageStatus]) -> MessageStatus? {
        guard let first = parts.first else { return nil }
        if parts.contains(.undelivered) { return .undelivered }
        if parts.allSatisfy({ $0 == .delivered }) { return .delivered }
        return parts.filter { $0 != .delivered }.min { $0.stage < $1.stage } ?? first
    }

    /// What every report recorded for a message so far says about the whole message, the newest included.
    ///
    /// A report about the whole message (`part` empty: Kannel joins its parts' reports itself) says it alone.
    /// Reported part by part, the message is delivered once each of its `segments` parts is; a part not
    /// heard from yet stands at `sent` (the gateway took the message, so it took every part).
    /// - Parameter recorded: (part, status) of every report recorded for the message, `report` included.
    public static func combined(report: MessageStatus, part: String, recorded: [(part: String, status: MessageStatus)],
                                segments: Int) -> MessageStatus {
        guard !part.isEmpty else { return report }
        var parts: [String: MessageStatus] = [:]
        for (name, status) in recorded where !name.isEmpty {
            parts[name] = parts[name].map { merge(current: $0, report: status) } ?? status
        }
        var states = Array(parts.values)
        if states.count < segments { states += Array(repeating: .sent, count: segments - states.count) }
        return combine(parts: states) ?? report
    }
}
