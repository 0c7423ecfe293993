import BeckonCore
import BeckonStore
import Foundation

/// The last check before messages leave: anything that changed since planning (an opt-out reply, a cap
/// filled by another campaign, a higher-priority message) is caught here, against the durable ledger.
public protocol DispatchGate: Sendable {
    /// Outcomes for the messages that must not go now (suppressed, deferred with `retryAt`, dropped);
    /// messages without an outcome go ahead. It may also hold other due messages of the same customers that
    /// are not in `messages` (a customer's due set is decided at once); the caller records those too.
    func review(_ messages: [PlannedMessage], now: Date) throws -> [DispatchOutcome]
}
