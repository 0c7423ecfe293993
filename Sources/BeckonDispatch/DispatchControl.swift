import BeckonCore

/// What the process running a dispatch loop tells it, and hears from it, while it runs: the operator's
/// pauses, whether the process is stopping, and that the loop is still turning (systemd's watchdog).
///
/// Consulted by the loop itself before it claims messages, so a pause or a stop takes effect before the
/// next claim, not at the next cycle; what is already in flight is awaited and recorded either way.
public protocol DispatchControl: Sendable {
    /// The pauses in force now (read from the store: `beckon pause` writes them from another process).
    func pauses() throws -> SendPauses
    /// True when the pass must end after what is in flight: the process is stopping (SIGTERM), or a reload
    /// (SIGHUP) waits for the cycle to end. Nothing more is claimed; what is queued stays `scheduled`.
    var shouldStopClaiming: Bool { get }
    /// Called each time the loop turns, however busy (it throttles what it does with it).
    func heartbeat()
}

extension DispatchControl {
    public var shouldStopClaiming: Bool { false }
    public func heartbeat() {}
}
