import BeckonStore
import Foundation
import BeckonCore

/// A way out for messages: a file folder, an SMS gateway, a modem spool.
public protocol Channel: Sendable {
    var id: String { get }
    /// True when sending the same key twice can never reach the customer twice (the medium or the
    /// gateway deduplicates by key). Only such channels may resend a message whose outcome a crash hid.
    var deduplicatesByKey: Bool { get }
    /// One attempt. Never throws: every failure is an outcome. A transient one carries `retryAt`: `now` when
    /// the provider gave no hint, or its `Retry-After`; the dispatcher adds backoff and tries failovers.
    func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome
}

