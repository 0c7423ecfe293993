import BeckonCore
import BeckonStore
import Foundation

/// The last check before messages leave: anything that changed since planning (an opt-out reply, a cap
/// filled by another campaign, a higher-priority message) is caught here, against the durable ledger.
public protocol DispatchGate: Sendable {
    /// Outcomes for the messages that must not go now (suppressed, deferred with `retryAt`, dropped);
    /// messages without an outcome go ahead.
    func review(_ messages: [PlannedMessage], now: Date) throws -> [DispatchOutcome]
}
