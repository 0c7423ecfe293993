import BeckonCore
import Foundation

/// What a message's ledger row holds that recording an outcome reads (the SQLite and PostgreSQL backends alike).
public struct LedgerRowState: Hashable, Sendable {
    public var status: MessageStatus
    public var providerID: String?
    public var segments: Int
    public var encoding: String
    /// What delivery reports said while the message was in flight, and their provider code.
    public var held: MessageStatus?
    public var heldCode: String?

    public init(status: MessageStatus, providerID: String?, segments: Int, encoding: String, held: MessageStatus?, heldCode: String?) {
        self.status = status
        self.providerID = providerID
        self.segments = segments
        self.encoding = encoding
        self.held = held
        self.heldCode = heldCode
    }
}

/// A message's outcome as it will be written, with what it keeps from the ledger row: `LedgerTransition.outcome`
/// applied to one row, once for every backend.
public struct LedgerOutcomeChange: Hashable, Sendable {
    public var key: String
    public var outcome: DispatchOutcome
    public var status: MessageStatus
    public var providerID: String?
    /// The outcome's, or the held report's when its state is the one that stands.
    public var providerCode: String?
    public var reasonCode: String?
    public var segments: Int
    public var encoding: String
    /// The receipt events, in order (`LedgerTransition.outcome`).
    public var events: [MessageStatus]
    /// The held report's provider code, for the event of its state.
    public var heldCode: String?

    /// Nil when the outcome changes nothing (the gateway already accepted the message, or it is settled).
    public init?(key: String, outcome: DispatchOutcome, current state: LedgerRowState) {
        // A retry is not a receipt (the message's story continues), except a policy deferral, which says why.
        let retrying = outcome.retryAt != nil
        guard let effect = LedgerTransition.outcome(outcome.status, retrying: retrying, receipt: !retrying || outcome.status == .deferred,
                                                    current: state.status, held: state.held) else { return nil }
        var reason = outcome.reasonCode
        if effect.confirmedByReport {
            reason = (outcome.reasonCode.map { $0 + ";" } ?? "") + LedgerTransition.confirmedByReport
        }
        self.key = key
        self.outcome = outcome
        status = effect.status
        providerID = outcome.providerID ?? state.providerID
        providerCode = effect.keepsReport ? state.heldCode : outcome.providerCode
        reasonCode = reason
        segments = outcome.segments > 0 ? outcome.segments : state.segments
        encoding = outcome.encoding.isEmpty ? state.encoding : outcome.encoding
        events = effect.events
        heldCode = state.heldCode
    }

    /// Only a retry that stands moves the send time (a report may have proved the timed-out send).
    public var newSendAt: Date? { status == .scheduled ? outcome.retryAt : nil }

    /// The provider code on the receipt event at `index` of `events`: the outcome's on its own event, the held
    /// report's on the event of its state.
    public func eventProviderCode(at index: Int) -> String? { index == 0 ? outcome.providerCode : heldCode }
}
