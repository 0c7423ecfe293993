import BeckonCore
import BeckonStore
import Foundation
import GRDB
import Logging
import Testing
@testable import BeckonDispatch

/// A channel that counts every key it was given and holds each send until released (or answers at once).
final class HoldingChannel: Channel, @unchecked Sendable {
    let id = "test"
    let deduplicatesByKey = false
    private let lock = NSLock()
    private var counts: [MessageKey: Int] = [:]
    private var held: [CheckedContinuation<Void, Never>] = []
    private var holding: Bool

    init(holding: Bool) { self.holding = holding }

    var received: [MessageKey: Int] { lock.withLock { counts } }
    var receivedCount: Int { lock.withLock { counts.values.reduce(0, +) } }

    /// Lets every held send answer, and every later one answer at once.
    func releaseAll() {
        let waiting: [CheckedContinuation<Void, Never>] = lock.withLock {
            holding = false
            defer { held.removeAll() }
            return held
        }
        for continuation in waiting { continuation.resume() }
    }

    func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
        let hold = lock.withLock {
            counts[message.key, default: 0] += 1
            return holding
        }
        if hold {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool = lock.withLock {
                    if holding { held.append(continuation); return false }
                    return true
                }
                if resumeNow { continuation.resume() }
            }
        } else {
            // A real gateway's round trip, so two dispatchers interleave.
            try? await Task.sleep(for: .microseconds(200))
        }
        return DispatchOutcome(key: message.key, status: .sent, providerID: "p-\(message.key.customer)")
    }
}

@Suite("Dispatcher: claims a window at a time, sends only what it claimed")
struct DispatchClaimTests {
    let now = pinnedNow()

    func messages(_ count: Int) -> [PlannedMessage] {
        (0..<count).map { plannedMessage("hi", customer: String(format: "C%05d", $0), phone: "+86138\(String(format: "%08d", $0))") }
    }

    func pendingCount(_ store: SQLiteStore) throws -> Int {
        try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE status = 'pending'") ?? 0 }
    }

    @Test("while sends hang, only a channel's concurrency of messages is pending, not a batch", arguments: [3, 8])
    func windowOfConcurrency(concurrency: Int) async throws {
        let store = try SQLiteStore()
        _ = try store.schedule(messages(200), at: now)
        let channel = HoldingChannel(holding: true)
        let limiter = ChannelLimiter(channel: "test", rate: nil, concurrency: concurrency, wallClock: { Date() })
        let dispatcher = Dispatcher(ledger: store, channels: [channel], limiters: [limiter], clock: FixedClock(now),
                                    logger: Logger(label: "test"), unitRandom: { 0.5 })
        let running = Task {
            var summary = Dispatcher.Summary()
            try await dispatcher.dispatchDue(into: &summary)
            return summary
        }
        for _ in 0..<500 where channel.receivedCount < concurrency { try await Task.sleep(for: .milliseconds(5)) }
        // Give a dispatcher that claims more than it may a moment to show it.
        try await Task.sleep(for: .milliseconds(100))
        #expect(channel.receivedCount == concurrency)
        #expect(try pendingCount(store) == concurrency, "pending beyond the messages in flight")
        channel.releaseAll()
        let summary = try await running.value
        #expect(summary.sent == 200)
        #expect(try pendingCount(store) == 0)
        #expect(channel.received.values.allSatisfy { $0 == 1 })
    }

    @Test("two dispatchers (two stores on one file, as two processes) over the same due messages: each key goes out once")
    func racingDispatchers() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-race-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("beckon.sqlite").path
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        let all = messages(1_500)
        _ = try first.schedule(all, at: now)
        let channel = HoldingChannel(holding: false)
        func dispatcher(_ store: SQLiteStore, _ claimant: String) -> Dispatcher {
            Dispatcher(ledger: store, channels: [channel], limiters: [ChannelLimiter(channel: "test", rate: nil, concurrency: 8, wallClock: { Date() })],
                       clock: FixedClock(now), batchSize: 100, logger: Logger(label: "test"), claimant: claimant, unitRandom: { 0.5 })
        }
        let a = dispatcher(first, "A"), b = dispatcher(second, "B")
        async let sentByA = Task.detached { var s = Dispatcher.Summary(); try await a.dispatchDue(into: &s); return s.sent }.value
        async let sentByB = Task.detached { var s = Dispatcher.Summary(); try await b.dispatchDue(into: &s); return s.sent }.value
        let (countA, countB) = try await (sentByA, sentByB)

        #expect(channel.received.count == all.count)
        #expect(channel.received.values.allSatisfy { $0 == 1 }, "keys sent twice: \(channel.received.filter { $0.value > 1 }.count)")
        #expect(countA + countB == all.count)
        #expect(countA > 0 && countB > 0, "no race happened")
        // Every message sent once and recorded once: one `sent` receipt each, nothing dropped or unknown.
        let receipts = try first.receiptEvents(in: DateInterval(start: now.addingTimeInterval(-1), duration: 60))
        #expect(receipts.count == all.count)
        #expect(Set(receipts.map(\.key)).count == all.count)
        #expect(receipts.allSatisfy { $0.status == .sent })
    }
}
