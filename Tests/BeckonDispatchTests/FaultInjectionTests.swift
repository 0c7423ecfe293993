import BeckonCore
import BeckonStore
import Foundation
import GatewaySupport
import Logging
import Testing
@testable import BeckonDispatch

/// The generic HTTP channel and the dispatcher against a real gateway on loopback that misbehaves.
@Suite("Faults: 500s, 429, timeouts, dropped connections, slow replies", .serialized)
struct FaultInjectionTests {
    static let body = #"{"to": "{{phone}}", "text": "{{text}}", "ref": "{{key}}"}"#

    func channel(_ url: URL, id: String = "test", timeout: TimeInterval = 10) -> HTTPGatewayChannel {
        HTTPGatewayChannel(id: id, settings: .init(url: url, bodyTemplate: Self.body, providerIDPath: "data.id", timeout: timeout))
    }

    @Test("each fault maps to the right outcome")
    func outcomes() async throws {
        let gateway = LoopbackGateway()
        try await gateway.start()
        defer { Task { await gateway.stop() } }
        let message = plannedMessage("你好")
        // A generous timeout for every fault but the slow reply: on a loaded CI machine a first request
        // (connection included) took more than half a second, and its 500 came back as a timeout.
        let http = channel(gateway.url, timeout: 10)
        let impatient = channel(gateway.url, timeout: 0.5)

        gateway.enqueue([.serverError, .throttle(retryAfter: 7), .slow(milliseconds: 1500), .slow(milliseconds: 100), .accept])
        let error = await http.send(message, now: pinnedNow)
        #expect(error.status == .failed && error.retryAt == pinnedNow() && error.providerCode == "500")
        let throttled = await http.send(message, now: pinnedNow)
        #expect(throttled.retryAt == pinnedNow().addingTimeInterval(7))
        let timedOut = await impatient.send(message, now: pinnedNow)
        #expect(timedOut.reasonCode == "http_timeout" && timedOut.retryAt != nil, "\(timedOut)")
        let slow = await http.send(message, now: pinnedNow)
        #expect(slow.status == .sent)
        #expect(slow.providerID?.hasPrefix("gw-") == true)
        // A dropped line or a refused connection may take until the deadline to give up: a short one keeps this quick.
        let dropped = await channel(gateway.droppingURL, timeout: 2).send(message, now: pinnedNow)
        #expect(dropped.status == .failed && dropped.retryAt != nil)
        let refused = await channel(URL(string: "http://127.0.0.1:1/send")!, timeout: 2).send(message, now: pinnedNow)
        #expect(refused.reasonCode == "http_unreachable" && refused.retryAt != nil)
        // The timed-out request reached the gateway after the client gave up: the channel cannot know,
        // which is why a non-deduplicating channel's retries carry this risk and crash recovery does not resend.
        #expect(gateway.acceptedCounts[message.key.description, default: 0] >= 1)
    }

    @Test("a batch through a faulty primary with a failover: every message sent once, none lost, none blocked")
    func batchWithFailover() async throws {
        let primary = LoopbackGateway()
        let backup = LoopbackGateway()
        try await primary.start()
        try await backup.start()
        defer { Task { await primary.stop(); await backup.stop() } }
        // A third of the primary's answers are 500s or 429s.
        primary.enqueue((0..<60).map { [.serverError, .throttle(retryAfter: 1), .accept][$0 % 3] })
        let messages = (1...60).map { plannedMessage("hi", customer: "C\($0)") }
        let store = try SQLiteStore()
        _ = try store.schedule(messages, at: pinnedNow())
        let dispatcher = Dispatcher(ledger: store, channels: [channel(primary.url), channel(backup.url, id: "backup")],
                                    routes: ChannelRoutes(failover: ["test": "backup"]),
                                    limiters: [ChannelLimiter(channel: "test", rate: nil, concurrency: 4, wallClock: { Date() })],
                                    clock: FixedClock(pinnedNow()), logger: Logger(label: "test"), unitRandom: { 0.5 })
        var summary = Dispatcher.Summary()
        try await dispatcher.dispatchDue(into: &summary)
        #expect(summary.sent == 60)
        let primaryKeys = Set(primary.acceptedKeys), backupKeys = Set(backup.acceptedKeys)
        #expect(primaryKeys.isDisjoint(with: backupKeys))
        #expect(primaryKeys.union(backupKeys) == Set(messages.map(\.key.description)))
        #expect(primary.acceptedCounts.values.allSatisfy { $0 == 1 })
        #expect(backup.acceptedCounts.values.allSatisfy { $0 == 1 })
        #expect(try messages.allSatisfy { try store.entry(for: $0.key)?.status == .sent })
    }
}
