/// How a message's ledger state moves when a dispatch outcome or a delivery report arrives, and which
/// receipt events the move writes: the one place that decides it, for the dispatcher, the report endpoint,
/// crash recovery and `beckon resolve` alike.
///
/// Outcomes and reports race. Kannel calls the dlr-url as soon as the SMSC answers, often before its own
/// `sendsms` reply has reached the dispatcher and been recorded, so a report can find its message still
/// `pending`. Whatever the order, a message's receipts tell one story, with exactly one `sent` (or failure)
/// event per send:
/// - states move only to a later `MessageStatus.Stage` (a retry and an operator's resend start from an
///   in-flight stage; nothing moves a message the gateway accepted back);
/// - a report for a message in flight is *held* (remembered on the message, no event): recording the
///   outcome then writes the outcome's event and, after it, the report's state;
/// - a report proves that the message left, so an outcome that says otherwise (a timeout, an `unknown`
///   after a crash) is recorded as `sent`, and a report for a message that was put back for a retry or left
///   `unknown` writes the `sent` it missed before its own state (and so stops the resend).
public enum LedgerTransition {
    /// The reason code on a `sent` that a delivery report proved when the outcome did not.
    public static let confirmedByReport = "confirmed_by_delivery_report"

    /// What a delivery report does to a message.
    public enum ReportEffect: Hashable, Sendable {
        /// The message is in flight: remember this state until its outcome is recorded; write nothing else.
        case hold(MessageStatus)
        /// Move the message to `status`, writing one receipt event per entry of `events`, in order.
        case advance(to: MessageStatus, events: [MessageStatus])
        /// The message's state stands (a late or out-of-order report, a settled message, nothing new).
        case stand
    }

    /// - Parameters:
    ///   - reported: what the message's reports say now (`DeliveryReportStatus.combined`).
    ///   - current: the message's state in the ledger.
    ///   - held: the state reports already said while the message was in flight, if any.
    public static func report(_ reported: MessageStatus, current: MessageStatus, held: MessageStatus?) -> ReportEffect {
        // A report can only say the message went somewhere: `queued`, `sent`, or a delivery outcome.
        guard reported.stage >= .accepted else { return .stand }
        switch current.stage {
        case .settled:
            return .stand
        case .inFlight where current == .pending:
            let next = held.map { DeliveryReportStatus.merge(current: $0, report: reported) } ?? reported
            return next == held ? .stand : .hold(next)
        case .accepted, .sent:
            return reported.stage > current.stage ? .advance(to: reported, events: [reported]) : .stand
        case .planned, .inFlight:
            // Back in `scheduled` after a timeout, or `unknown` after a crash: the gateway had it after all.
            return .advance(to: reported, events: reported.stage > .sent ? [.sent, reported] : [reported])
        }
    }

    /// What recording a dispatch outcome does to a message.
    public struct OutcomeEffect: Hashable, Sendable {
        /// The message's state afterwards.
        public var status: MessageStatus
        /// Receipt events, in order: the first carries the outcome's codes, a second the held report's state.
        public var events: [MessageStatus]
        /// A held report proved a send that the outcome did not report (a timeout, an `unknown`).
        public var confirmedByReport: Bool
        /// The held report's state is the message's state afterwards (its provider code stands).
        public var keepsReport: Bool

        public init(status: MessageStatus, events: [MessageStatus], confirmedByReport: Bool, keepsReport: Bool) {
            self.status = status
            self.events = events
            self.confirmedByReport = confirmedByReport
            self.keepsReport = keepsReport
        }
    }

    /// - Parameters:
    ///   - outcome: the outcome's status.
    ///   - retrying: the outcome puts the message back to `scheduled` for another attempt.
    ///   - receipt: the outcome writes a receipt when nothing was held (a retry does not, a deferral does).
    ///   - current: the message's state in the ledger.
    ///   - held: what reports said while the message was in flight, if any.
    /// - Returns: nil when the outcome changes nothing: the gateway already accepted the message (a late or
    ///   repeated outcome), or it is settled.
    public static func outcome(_ outcome: MessageStatus, retrying: Bool, receipt: Bool, current: MessageStatus,
                               held: MessageStatus?) -> OutcomeEffect? {
        guard current.stage < .accepted else { return nil }
        guard let held, held.stage >= .accepted else {
            return OutcomeEffect(status: retrying ? .scheduled : outcome, events: receipt ? [outcome] : [],
                                 confirmedByReport: false, keepsReport: false)
        }
        let wentOut = !retrying && (outcome == .sent || outcome == .queued)
        let first: MessageStatus = wentOut ? outcome : .sent
        let keepsReport = held.stage > first.stage
        return OutcomeEffect(status: keepsReport ? held : first, events: keepsReport ? [first, held] : [first],
                             confirmedByReport: !wentOut, keepsReport: keepsReport)
    }
}
