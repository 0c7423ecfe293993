import Foundation

/// Runs store writes on a queue of its own, in order, one behind the caller.
///
/// Planning and importing both prepare batches on the CPU (planning campaigns, parsing rows) and write them to
/// SQLite; on two cores the two overlap. At most one write runs while the caller prepares the next, so memory
/// stays at two batches, and writes run in the order they were handed over: a crash leaves whole batches, in
/// order, as a sequential loop would. After a failed write nothing more is written.
public final class WriteBehindQueue: @unchecked Sendable {
    private let queue: DispatchQueue
    private let slot = DispatchSemaphore(value: 1)
    // Guards `failure`, which the write queue sets and the caller reads.
    private let lock = NSLock()
    private var failure: (any Error)?

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Hands a write over; waits only while the previous one is still running. Throws an earlier write's error.
    public func submit(_ write: @escaping @Sendable () throws -> Void) throws {
        slot.wait()
        if let failure = lock.withLock({ failure }) {
            slot.signal()
            throw failure
        }
        queue.async { [self] in
            defer { slot.signal() }
            do {
                try write()
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    /// Waits for every write handed over, then throws the first write's error, if any.
    public func finish() throws {
        queue.sync {}
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
