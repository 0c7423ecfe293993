import BeckonStore
import Foundation

/// Commits an import's batches on a queue of its own, one batch behind the parser.
///
/// Parsing a batch is pure CPU (CSV fields, phones, dates); committing it is SQLite and the WAL's writes. On
/// two cores the two overlap. Batches commit in file order, each in one transaction with the progress that
/// resumes after it, and at most one commits while the next is parsed: a crash leaves the store as the
/// sequential loop would (whole batches, in order), and memory stays at two batches.
final class BatchCommitter: @unchecked Sendable {
    private let store: any ImportJournal
    private let queue = DispatchQueue(label: "beckon.import-commit")
    private let slot = DispatchSemaphore(value: 1)
    // Guards `failure`, which the commit queue sets and the parsing thread reads.
    private let lock = NSLock()
    private var failure: (any Error)?

    init(store: any ImportJournal) {
        self.store = store
    }

    /// Hands a parsed batch over; waits only while the previous one is still being committed.
    func enqueue(_ batch: ImportBatch, progress: ImportProgress) throws {
        slot.wait()
        if let failure = lock.withLock({ failure }) {
            slot.signal()
            throw failure
        }
        queue.async { [self] in
            defer { slot.signal() }
            do {
                try store.commitBatch(batch, progress: progress)
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    /// Waits for every batch handed over, then throws the first commit error, if any.
    func finish() throws {
        queue.sync {}
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
