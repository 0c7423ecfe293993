import BeckonStore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Clicks written behind the redirect: a request only appends to memory, and this service writes what
/// gathered in one transaction every `interval` (and once more on shutdown), so a burst of clicks costs the
/// store's single writer, which dispatch uses too, a few short transactions a second, never one per click.
///
/// The click counters in `/metrics` move when the clicks are written, so they always equal the store's counts.
public final class ClickRecorder: Service, @unchecked Sendable {
    let store: SQLiteStore
    let logger: Logger
    let interval: Duration
    /// Past this many unwritten clicks (the store stuck for minutes) new ones are counted as dropped.
    let capacity: Int
    // Guards `pending`, which request handlers append to and the service takes.
    private let lock = NSLock()
    private var pending: [LinkClick] = []
    // Made at once, so `/metrics` shows them at 0 before the first click.
    let clicks = Counter(label: "beckon_link_clicks_total")
    let uniqueClicks = Counter(label: "beckon_link_unique_clicks_total")
    let botClicks = Counter(label: "beckon_link_bot_clicks_total")
    let dropped = Counter(label: "beckon_link_clicks_dropped_total")

    public init(store: SQLiteStore, logger: Logger, interval: Duration = .milliseconds(250), capacity: Int = 100_000) {
        self.store = store
        self.logger = logger
        self.interval = interval
        self.capacity = capacity
    }

    /// Hands a click over; never waits for the store.
    public func record(_ click: LinkClick) {
        let kept = lock.withLock {
            guard pending.count < capacity else { return false }
            pending.append(click)
            return true
        }
        if !kept { dropped.increment() }
    }

    /// Writes every click handed over so far.
    public func flush() throws {
        let batch = take()
        guard !batch.isEmpty else { return }
        do { count(try store.recordClicks(batch)) } catch { putBack(batch); throw error }
    }

    /// `flush` for the service's task: the store writes on its own queue meanwhile (a batch of a busy quarter
    /// second is thousands of clicks), so no thread the listener answers on waits for it.
    func flushSuspending() async throws {
        let batch = take()
        guard !batch.isEmpty else { return }
        do { count(try await store.recordClicksSuspending(batch)) } catch { putBack(batch); throw error }
    }

    private func take() -> [LinkClick] {
        lock.withLock {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }

    /// Puts a batch that could not be written back in front, in order, for the next round.
    private func putBack(_ batch: [LinkClick]) {
        lock.withLock { pending.insert(contentsOf: batch, at: 0) }
    }

    private func count(_ recorded: [(click: LinkClick, isUnique: Bool)]) {
        clicks.increment(by: recorded.count)
        uniqueClicks.increment(by: recorded.filter(\.isUnique).count)
        botClicks.increment(by: recorded.filter { $0.click.bot != nil }.count)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do { try await Task.sleep(for: interval) } catch { break }
            await flushLogged()
        }
        // The listener stops first (it comes after this service in the group), so this is the last batch.
        await flushLogged()
    }

    func flushLogged() async {
        do { try await flushSuspending() } catch { logger.error("could not record clicks; will retry", metadata: ["error": "\(error)"]) }
    }
}
