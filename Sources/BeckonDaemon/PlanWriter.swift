import BeckonCore
import BeckonStore
import Foundation

/// Writes planned batches to the ledger on a queue of its own, one batch behind the planner.
///
/// Planning a batch is reads and pure CPU; writing it is SQLite inserts on the single writer connection. On
/// two cores the two overlap, which took a fifth off planning 100,000 messages in the dispatch benchmark.
/// Batches are written in order, and at most one waits while the next is planned, so memory stays bounded and
/// a crash leaves the ledger as the sequential loop would have (whole batches, in customer order).
final class PlanWriter: @unchecked Sendable {
    struct Totals {
        var planned = 0
        var alreadyPlanned = 0
        /// Occurrences the policy stopped at planning time, by reason code.
        var decided: [String: Int] = [:]
    }

    private let store: SQLiteStore
    private let now: Date
    private let queue = DispatchQueue(label: "beckon.plan-writer")
    private let slot = DispatchSemaphore(value: 1)
    // Guards `totals` and `failure`, which the write queue sets and the planning thread reads.
    private let lock = NSLock()
    private var totals = Totals()
    private var failure: (any Error)?

    init(store: SQLiteStore, now: Date) {
        self.store = store
        self.now = now
    }

    /// Hands a planned batch over; waits only while the previous one is still being written.
    func enqueue(_ messages: [PlannedMessage], decided: [DecidedMessage]) throws {
        slot.wait()
        if let failure = lock.withLock({ failure }) {
            slot.signal()
            throw failure
        }
        queue.async { [self] in
            defer { slot.signal() }
            do {
                let inserted = try store.schedule(messages, at: now)
                let recorded = try store.recordDecided(decided, at: now)
                lock.withLock {
                    totals.planned += inserted.count
                    totals.alreadyPlanned += messages.count - inserted.count + decided.count - recorded.count
                    for item in recorded { totals.decided[item.reasonCode, default: 0] += 1 }
                }
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    /// Waits for every batch handed over, then reports what was written or the first error.
    func finish() throws -> Totals {
        queue.sync {}
        return try lock.withLock {
            if let failure { throw failure }
            return totals
        }
    }
}
