import Foundation

/// What signals ask of the running daemon: raised by the handlers, read by the cycle loop (which reloads
/// between cycles) and by the dispatch loop (which stops claiming, so the cycle ends soon). Shared by every
/// engine a reload builds.
public final class DaemonRequests: Sendable {
    private let stop = RaisedFlag()
    private let reload = RaisedFlag()

    public init() {}

    /// SIGTERM/SIGINT: claim nothing more, finish what is in flight, exit.
    public var isStopping: Bool { stop.isRaised }

    public func requestStop() { stop.raise() }

    /// SIGHUP, not yet taken: the cycle under way ends after its sends in flight, and the next one reloads first.
    public var isReloadPending: Bool { reload.isRaised }

    public func requestReload() { reload.raise() }

    /// True once per request.
    func takeReload() -> Bool { reload.take() }
}
