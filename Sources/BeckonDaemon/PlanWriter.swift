import BeckonCore
import BeckonStore
import Foundation

/// Writes planned batches to the ledger one batch behind the planner (`WriteBehindQueue`), adding up what
/// they wrote.
///
/// Planning a batch is reads and pure CPU; writing it is SQLite inserts on the single writer connection. On
/// two cores the two overlap, which took a fifth off planning 100,000 messages in the dispatch benchmark.
/// One `beckon_held_out_total` series: a campaign and the group that held its messages.
struct HeldOutCount: Hashable, Sendable {
    var campaign: String
    var group: Holdout.Group
}

final class PlanWriter: @unchecked Sendable {
    struct Totals {
        var planned = 0
        var alreadyPlanned = 0
        /// Occurrences the policy stopped at planning time, by reason code.
        var decided: [String: Int] = [:]
        /// Held-out rows written, by campaign and group (`beckon_held_out_total`).
        var heldOut: [HeldOutCount: Int] = [:]
    }

    private let store: SQLiteStore
    private let now: Date
    private let writes = WriteBehindQueue(label: "beckon.plan-writer")
    // Guards `totals`, which the write queue sets and the planning thread reads.
    private let lock = NSLock()
    private var totals = Totals()

    init(store: SQLiteStore, now: Date) {
        self.store = store
        self.now = now
    }

    /// Hands a planned batch over; waits only while the previous one is still being written.
    func enqueue(_ messages: [PlannedMessage], decided: [DecidedMessage]) throws {
        try writes.submit { [self] in
            let inserted = try store.schedule(messages, at: now)
            let recorded = try store.recordDecided(decided, at: now)
            lock.withLock {
                totals.planned += inserted.count
                totals.alreadyPlanned += messages.count - inserted.count + decided.count - recorded.count
                for item in recorded {
                    totals.decided[item.reasonCode, default: 0] += 1
                    if let group = Holdout.group(ofReasonCode: item.reasonCode) {
                        totals.heldOut[HeldOutCount(campaign: item.message.key.campaign, group: group), default: 0] += 1
                    }
                }
            }
        }
    }

    /// Hands over the next own trigger days of customers just planned, written behind like the messages.
    func enqueueNextDue(_ dues: [(id: String, at: Date?)]) throws {
        guard !dues.isEmpty else { return }
        try writes.submit { [store] in try store.setNextDue(dues) }
    }

    /// Waits for every batch handed over, then reports what was written or the first error.
    func finish() throws -> Totals {
        try writes.finish()
        return lock.withLock { totals }
    }
}
