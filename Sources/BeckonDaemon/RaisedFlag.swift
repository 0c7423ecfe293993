import Foundation

/// A request raised from a handler (a signal, a file watcher, a timer) and read by a loop: peeked at by the
/// dispatch loop, taken once by the cycle loop.
final class RaisedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    func raise() { lock.withLock { raised = true } }

    var isRaised: Bool { lock.withLock { raised } }

    /// True once per raise, however many raises came before.
    func take() -> Bool {
        lock.withLock {
            defer { raised = false }
            return raised
        }
    }
}
