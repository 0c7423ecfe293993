import BeckonCore
import BeckonDispatch
import BeckonStore

/// The dispatch loop's view of the process around it: pauses from the store (written by `beckon pause`
/// beside the daemon), the daemon's stop and reload requests, and systemd's watchdog pinged from the loop itself, so a loop
/// that stops turning stops the pings and systemd restarts the service.
public struct DaemonDispatchControl: DispatchControl {
    let store: any PauseStore
    let requests: DaemonRequests?
    let notifier: SystemdNotifier?

    public init(store: any PauseStore, requests: DaemonRequests? = nil, notifier: SystemdNotifier? = nil) {
        self.store = store
        self.requests = requests
        self.notifier = notifier
    }

    public func pauses() throws -> SendPauses { try store.currentPauses() }

    public var shouldStopClaiming: Bool {
        guard let requests else { return false }
        return requests.isStopping || requests.isReloadPending
    }

    public func heartbeat() { notifier?.watchdogPing() }
}
