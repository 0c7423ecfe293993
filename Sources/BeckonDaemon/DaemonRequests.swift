import Foundation

/// What signals ask of the running daemon: raised by the handlers, read by the cycle loop (which reloads
/// between cycles) and by the dispatch loop (which stops claiming, so the cycle ends soon). Shared by every
/// engine a reload builds.
public final class DaemonRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var stopping = false
    private var reload = false

    public init() {}

    /// SIGTERM/SIGINT: claim nothing more, finish what is in flight, exit.
    public var isStopping: Bool { lock.withLock { stopping } }

    public func requestStop() { lock.withLock { stopping = true } }

    /// SIGHUP, not yet taken: the cycle under way ends after its sends in flight, and the next one reloads first.
    public var isReloadPending: Bool { lock.withLock { reload } }

    public func requestReload() { lock.withLock { reload = true } }

    /// True once per request.
    func takeReload() -> Bool {
        lock.withLock {
            defer { reload = false }
            return reload
        }
    }
}
