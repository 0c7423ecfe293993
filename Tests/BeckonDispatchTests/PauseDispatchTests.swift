import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDispatch

/// The store's pauses, as the daemon's control reads them.
struct StorePauses: DispatchControl {
    let store: SQLiteStore
    func pauses() throws -> SendPauses { try store.currentPauses() }
}

/// A channel that accepts after a short wait, and pauses every send once it has taken `pauseAfter` messages.
final class PausingChannel: Channel, @unchecked Sendable {
    let id = "test"
    let deduplicatesByKey = false
    let store: SQLiteStore
    let pauseAfter: Int
    private let lock = NSLock()
    private(set) var received = 0

    init(store: SQLiteStore, pauseAfter: Int) {
        self.store = store
        self.pauseAfter = pauseAfter
    }

    func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
        let count = lock.withLock { () -> Int in
            received += 1
            return received
        }
        if count == pauseAfter { try? store.pause([SendPause(scope: .all, since: now())]) }
        try? await Task.sleep(for: .milliseconds(2))
        return DispatchOutcome(key: message.key, status: .sent, providerID: "p-\(count)")
    }
}

@Suite("Dispatcher: operator pauses hold sends back, nothing else")
struct PauseDispatchTests {
    let now = pinnedNow()

    func messages(_ count: Int, campaign: String = "spring") -> [PlannedMessage] {
        (0..<count).map { index in
            var message = plannedMessage("hi", customer: "C\(index)", phone: "+86138\(String(format: "%08d", index))")
            message.key = MessageKey(campaign: campaign, wave: 1, customer: "C\(index)", localDate: message.key.localDate)
            return message
        }
    }

    func dispatcher(_ store: SQLiteStore, _ channels: [any Channel], at instant: Date? = nil) -> Dispatcher {
        var dispatcher = Dispatcher(ledger: store, channels: channels, clock: FixedClock(instant ?? now), logger: Logger(label: "test"))
        dispatcher.control = StorePauses(store: store)
        dispatcher.pauseCheckInterval = .zero
        return dispatcher
    }

    @Test("a paused campaign's messages stay scheduled while the others go; after resume they go")
    func campaignPause() async throws {
        let store = try SQLiteStore()
        let held = messages(3, campaign: "spring"), free = messages(2, campaign: "autumn")
        _ = try store.schedule(held + free, at: now)
        try store.pause([SendPause(scope: .campaign, name: "spring", since: now)])
        let channel = ScriptedChannel(id: "test", script: [])
        var summary = Dispatcher.Summary()
        try await dispatcher(store, [channel]).dispatchDue(into: &summary)
        #expect(Set(channel.received) == Set(free.map(\.key)))
        for message in held { #expect(try store.entry(for: message.key)?.status == .scheduled) }

        #expect(try store.resume(nil) == 1)
        try await dispatcher(store, [channel]).dispatchDue(into: &summary)
        #expect(Set(channel.received) == Set((held + free).map(\.key)))
        #expect(summary.sent == 5)
    }

    @Test("a channel pause holds every message that would go through that channel")
    func channelPause() async throws {
        let store = try SQLiteStore()
        _ = try store.schedule(messages(4), at: now)
        try store.pause([SendPause(scope: .channel, name: "test", since: now)])
        let channel = ScriptedChannel(id: "test", script: [])
        var summary = Dispatcher.Summary()
        try await dispatcher(store, [channel]).dispatchDue(into: &summary)
        #expect(channel.received.isEmpty)
        #expect(try store.scheduledOutlook().count == 4)
    }

    @Test("a paused message keeps its valid_until and expires when it passes, with its receipt")
    func pausedMessagesExpire() async throws {
        let store = try SQLiteStore()
        let message = plannedMessage("hi")
        _ = try store.schedule([message], at: now)
        try store.pause([SendPause(scope: .all, since: now)])
        var summary = Dispatcher.Summary()
        try await dispatcher(store, [ScriptedChannel(id: "test", script: [])], at: message.validUntil.addingTimeInterval(1))
            .dispatchDue(into: &summary)
        #expect(summary.expired == 1)
        #expect(try store.entry(for: message.key)?.status == .expired)
    }

    @Test("a pause written while a pass sends stops its claims: at most a channel's window more go")
    func pauseMidPass() async throws {
        let store = try SQLiteStore()
        _ = try store.schedule(messages(300), at: now)
        let channel = PausingChannel(store: store, pauseAfter: 20)
        var summary = Dispatcher.Summary()
        try await dispatcher(store, [channel]).dispatchDue(into: &summary)
        // The 20th send writes the pause; up to a window (8) may already be claimed and on the wire with it.
        #expect(channel.received >= 20 && channel.received <= 20 + Dispatcher.defaultWindow, "\(channel.received) sent")
        #expect(summary.sent == channel.received)
        #expect(try store.scheduledOutlook().count == 300 - channel.received)
    }
}
