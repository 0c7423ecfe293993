import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDispatch

/// A channel that answers from a script and remembers every key it was given. The real channels have
/// their own tests against real HTTP (the fault-injecting gateway, Kannel); this one tests the dispatcher.
final class ScriptedChannel: Channel, @unchecked Sendable {
    let id: String
    let deduplicatesByKey: Bool
    private let lock = NSLock()
    private var script: [DispatchOutcome.Kind]
    private(set) var received: [MessageKey] = []

    init(id: String, deduplicates: Bool = false, script: [DispatchOutcome.Kind]) {
        self.id = id
        self.deduplicatesByKey = deduplicates
        self.script = script
    }

    func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
        let next: DispatchOutcome.Kind = lock.withLock {
            received.append(message.key)
            return script.isEmpty ? .accepted : script.removeFirst()
        }
        switch next {
        case .accepted: return DispatchOutcome(key: message.key, status: .sent, providerID: "\(id)-\(received.count)")
        case .rejected: return DispatchOutcome(key: message.key, status: .failed, providerCode: "400", reasonCode: "rejected")
        case .transient(let retryAfter):
            return DispatchOutcome(key: message.key, status: .failed, providerCode: "503", reasonCode: "busy", retryAt: now().addingTimeInterval(retryAfter))
        }
    }
}

extension DispatchOutcome {
    enum Kind { case accepted, rejected, transient(retryAfter: TimeInterval) }
}

@Suite("Dispatcher: failover, retries with backoff, rate limits")
struct DispatcherTests {
    let now = pinnedNow()

    func ledger(with messages: [PlannedMessage]) throws -> SQLiteStore {
        let store = try SQLiteStore()
        _ = try store.schedule(messages, at: now)
        return store
    }

    func dispatcher(_ store: SQLiteStore, _ channels: [any Channel], failover: [String: String] = [:],
                    limiters: [ChannelLimiter] = [], at instant: Date? = nil) -> Dispatcher {
        Dispatcher(ledger: store, channels: channels, routes: ChannelRoutes(failover: failover), limiters: limiters,
                   clock: FixedClock(instant ?? now), logger: Logger(label: "test"), unitRandom: { 0.5 })
    }

    @Test("a transient failure on the primary goes to the failover at once; the ledger names the channel used")
    func failover() async throws {
        let message = plannedMessage("hi")
        let store = try ledger(with: [message])
        let primary = ScriptedChannel(id: "test", script: [.transient(retryAfter: 0)])
        let backup = ScriptedChannel(id: "backup", script: [.accepted])
        var summary = Dispatcher.Summary()
        try await dispatcher(store, [primary, backup], failover: ["test": "backup"]).dispatchDue(into: &summary)
        #expect(summary.sent == 1)
        #expect(primary.received == [message.key])
        #expect(backup.received == [message.key])
        let entry = try #require(try store.entry(for: message.key))
        #expect(entry.status == .sent)
        #expect(entry.message.channel == "backup")
    }

    @Test("a permanent failure fails at once with the provider's code and is not tried elsewhere")
    func permanent() async throws {
        let message = plannedMessage("hi")
        let store = try ledger(with: [message])
        let primary = ScriptedChannel(id: "test", script: [.rejected])
        let backup = ScriptedChannel(id: "backup", script: [])
        var summary = Dispatcher.Summary()
        try await dispatcher(store, [primary, backup], failover: ["test": "backup"]).dispatchDue(into: &summary)
        #expect(summary.failed == 1)
        #expect(backup.received.isEmpty)
        #expect(try store.entry(for: message.key)?.providerCode == "400")
    }

    @Test("transient failures back off exponentially, honour Retry-After, and give up at valid_until with a receipt")
    func backoff() async throws {
        let message = plannedMessage("hi")  // valid for one hour from `now`
        let store = try ledger(with: [message])
        let channel = ScriptedChannel(id: "test", script: [.transient(retryAfter: 0), .transient(retryAfter: 0), .transient(retryAfter: 900),
                                                           .transient(retryAfter: 0)])
        var instant = now
        var retries: [TimeInterval] = []
        for _ in 0..<4 {
            var summary = Dispatcher.Summary()
            try await dispatcher(store, [channel], at: instant).dispatchDue(into: &summary)
            let entry = try #require(try store.entry(for: message.key))
            guard entry.status == .scheduled else { break }
            retries.append(entry.message.sendAt.timeIntervalSince(instant))
            instant = entry.message.sendAt
        }
        // Jitter 0.5 of 2 x 2^n seconds for attempts 1, 2 and 4; the provider's Retry-After of 900 s for attempt 3.
        #expect(retries == [2, 4, 900, 16])
        // A retry that would fall past valid_until becomes a final failure instead.
        let late = try ledger(with: [message])
        let busy = ScriptedChannel(id: "test", script: [.transient(retryAfter: 7200)])
        var summary = Dispatcher.Summary()
        try await dispatcher(late, [busy]).dispatchDue(into: &summary)
        let gaveUp = try #require(try late.entry(for: message.key))
        #expect(gaveUp.status == .failed)
        #expect(gaveUp.reasonCode == "busy;gave_up_at_valid_until")
        #expect(try late.receiptEvents(in: DateInterval(start: now.addingTimeInterval(-1), duration: 10)).map(\.status) == [.failed])
    }

    @Test("a provider code that means a bad number suppresses that number, a plain rejection does not")
    func hardFailures() async throws {
        let bad = plannedMessage("hi", customer: "C1", phone: "+8613800000001")
        let rejected = plannedMessage("hi", customer: "C2", phone: "+8613800000002")
        let store = try ledger(with: [bad, rejected])
        final class Coded: Channel, @unchecked Sendable {
            let id = "test"
            let deduplicatesByKey = false
            func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
                DispatchOutcome(key: message.key, status: .failed, providerCode: message.key.customer == "C1" ? "BAD_NUMBER" : "QUOTA")
            }
        }
        var dispatcher = dispatcher(store, [Coded()])
        dispatcher.suppressions = store
        dispatcher.failureCodes = ["test": .channel(overrides: [:], hardFailureCodes: ["BAD_NUMBER"])]
        var summary = Dispatcher.Summary()
        try await dispatcher.dispatchDue(into: &summary)
        let suppressed = try store.suppressions(customerIDs: [], phones: ["+8613800000001", "+8613800000002"])
        #expect(suppressed.map(\.phone) == ["+8613800000001"])
        #expect(suppressed.first?.source == .hardFailure)
    }

    @Test("one failing message never blocks the ones behind it")
    func isolation() async throws {
        let messages = (1...5).map { plannedMessage("hi", customer: "C\($0)") }
        let store = try ledger(with: messages)
        let channel = ScriptedChannel(id: "test", script: [.rejected])
        var summary = Dispatcher.Summary()
        try await dispatcher(store, [channel]).dispatchDue(into: &summary)
        #expect(summary.failed == 1)
        #expect(summary.sent == 4)
    }

    @Test("the token bucket holds a channel to its rate, and a restart resumes from the saved level")
    func rateLimit() async throws {
        let clock = ContinuousClock()
        let wall: @Sendable () -> Date = { Date() }
        let limiter = ChannelLimiter(channel: "test", rate: 20, concurrency: 4, wallClock: wall)
        let started = clock.now
        // 20 tokens of burst, then 10 more at 20 per second: about half a second.
        for _ in 0..<30 {
            await limiter.acquire()
            await limiter.release()
        }
        // A lower bound only: a loaded machine is slower, never faster.
        #expect(clock.now - started >= .milliseconds(400))

        // Persistence, on a stopped wall clock: a drained bucket saved and restored has no fresh burst.
        let stopped: @Sendable () -> Date = { pinnedNow() }
        let drained = ChannelLimiter(channel: "test", rate: 20, concurrency: 4, wallClock: stopped)
        for _ in 0..<20 {
            await drained.acquire()
            await drained.release()
        }
        let saved = try #require(await drained.snapshot)
        #expect(saved.tokens < 1)
        let restarted = ChannelLimiter(channel: "test", rate: 20, concurrency: 4, bucket: saved, wallClock: stopped)
        #expect(try #require(await restarted.snapshot).tokens < 1)
        // A changed rate starts empty rather than full, for the same reason.
        let changed = ChannelLimiter(channel: "test", rate: 50, concurrency: 4, bucket: saved, wallClock: stopped)
        #expect(try #require(await changed.snapshot).tokens == 0)
    }

    @Test("a cancelled send stops waiting for a rate token instead of spinning until one comes")
    func cancelledWaitForToken() async throws {
        // A stopped wall clock: the drained bucket never refills, so only cancellation can end the wait.
        let stopped: @Sendable () -> Date = { pinnedNow() }
        let limiter = ChannelLimiter(channel: "test", rate: 1, concurrency: 4, wallClock: stopped)
        await limiter.acquire()
        await limiter.release()
        let waiting = Task { await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        let clock = ContinuousClock()
        let started = clock.now
        await waiting.value
        // Without cancellation the wait would never end (the clock is stopped), so any bound proves it; a wide one,
        // because a full parallel run on two cores can starve this task for many seconds (seen: 7-81 s at load 20+).
        #expect(clock.now - started < .seconds(120))
    }

    @Test("concurrency: no more requests in flight than the channel allows")
    func concurrency() async throws {
        let limiter = ChannelLimiter(channel: "test", rate: nil, concurrency: 2, wallClock: { Date() })
        let peak = Peak()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await limiter.acquire()
                    await peak.enter()
                    try? await Task.sleep(for: .milliseconds(5))
                    await peak.leave()
                    await limiter.release()
                }
            }
        }
        #expect(await peak.highest == 2)
    }
}

actor Peak {
    private var current = 0
    private(set) var highest = 0
    func enter() { current += 1; highest = max(highest, current) }
    func leave() { current -= 1 }
}
