import BeckonStore
import Foundation
import GatewaySupport
import Testing

@Suite("Two processes on one store, and SIGKILL with a concurrency of 8",
       .enabled(if: ProcessInfo.processInfo.environment["BECKON_CRASH_TESTS"] == "1",
                "process-level tests of a few minutes: scripts/test (and CI) runs them with BECKON_CRASH_TESTS=1"))
struct ConcurrentRunTests {
    static let messages = 3_000
    static let rounds = 20

    /// Each key at most once at the gateway, and the receipts say exactly that: a `sent` receipt for every key
    /// the gateway received and for no other, and no other final word (dropped, unknown...) for those keys.
    func expectAgreement(_ home: GatewayHome, _ gateway: LoopbackGateway, round: Int) throws {
        let counts = gateway.acceptedCounts
        #expect(counts.values.allSatisfy { $0 == 1 }, "round \(round): keys sent twice: \(counts.filter { $0.value > 1 }.keys.prefix(5))")
        #expect(counts.count == Self.messages, "round \(round): the gateway got \(counts.count) of \(Self.messages)")
        let rows = try home.receiptRows()
        let sent = Set(rows.filter { $0.status == "sent" }.map(\.key))
        #expect(sent == Set(counts.keys), "round \(round): \(sent.symmetricDifference(counts.keys).prefix(5))")
        let others = rows.filter { $0.status != "sent" && counts[$0.key] != nil }
        #expect(others.isEmpty, "round \(round): receipts contradict the gateway: \(others.prefix(5))")
        #expect(rows.filter { $0.status == "sent" }.count == sent.count, "round \(round): a key has two sent receipts")
        #expect(try home.count("SELECT COUNT(*) FROM message WHERE status <> 'sent'") == 0, "round \(round)")
    }

    @Test("two run --once started together, 20 rounds of 3,000: one runs, the other is refused; each key once", .timeLimit(.minutes(10)))
    func twoOnceRuns() async throws {
        for round in 0..<Self.rounds {
            let gateway = LoopbackGateway()
            try await gateway.start()
            let home = try GatewayHome(gateway: gateway.url, customers: Self.messages, concurrency: 16)
            defer { home.remove() }
            let first = try home.start(["--once"]), second = try home.start(["--once"])
            let (a, b) = (try await first.finish(), try await second.finish())
            let statuses = [a.status, b.status].sorted()
            // Both 0 only when one had finished before the other began (then it had nothing left to send).
            #expect(statuses == [0, 75] || statuses == [0, 0], "round \(round): \(a.output)\n---\n\(b.output)")
            if statuses == [0, 75] {
                #expect((a.status == 75 ? a.output : b.output).contains("in use by pid"), "round \(round)")
            }
            try expectAgreement(home, gateway, round: round)
            await gateway.stop()
        }
    }

    @Test("a run --once while the daemon dispatches, 20 rounds of 3,000: refused, pointing at the daemon; each key once",
          .timeLimit(.minutes(10)))
    func onceBesideDaemon() async throws {
        for round in 0..<Self.rounds {
            let gateway = LoopbackGateway()
            try await gateway.start()
            let home = try GatewayHome(gateway: gateway.url, customers: Self.messages, concurrency: 16)
            defer { home.remove() }
            let daemon = try home.start()
            for _ in 0..<200 where SQLiteStore.lockHolder(database: home.database.path)?.pid != daemon.pid {
                try await Task.sleep(for: .milliseconds(10))
            }
            // Started at a random moment: before, during or after the daemon's first sends.
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...1_500)))
            let once = try await home.start(["--once"]).finish()
            #expect(once.status == 75, "round \(round): \(once.output)")
            #expect(once.output.contains("in use by pid \(daemon.pid) (beckon run,") && once.output.contains("stop the daemon first"),
                    "round \(round): \(once.output)")
            var open = Int.max
            for _ in 0..<600 where open > 0 {
                try await Task.sleep(for: .milliseconds(100))
                let total = (try? home.count("SELECT COUNT(*) FROM message")) ?? 0
                open = total < Self.messages ? Int.max
                    : (try? home.count("SELECT COUNT(*) FROM message WHERE status IN ('scheduled', 'pending')")) ?? Int.max
            }
            kill(daemon.pid, SIGTERM)
            let stopped = try await daemon.finish(within: 30)
            #expect(stopped.status == 0, "round \(round): \(stopped.output)")
            try expectAgreement(home, gateway, round: round)
            await gateway.stop()
        }
    }

    @Test("SIGKILL while sending with concurrency 8: at most 8 unknown besides those the gateway answered", .timeLimit(.minutes(5)))
    func crashWindow() async throws {
        let gateway = LoopbackGateway()
        // 20 ms a reply: about 400 messages a second through 8 connections, so a kill lands mid-dispatch.
        gateway.defaultFault = .slow(milliseconds: 20)
        try await gateway.start()
        defer { Task { await gateway.stop() } }
        let home = try GatewayHome(gateway: gateway.url, customers: 2_000, concurrency: 8)
        defer { home.remove() }

        var landed = 0
        for round in 0..<5 {
            let before = gateway.acceptedKeys.count
            let run = try home.start(["--once"])
            for _ in 0..<400 where gateway.acceptedKeys.count < before + 100 { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...200)))
            kill(run.pid, SIGKILL)
            _ = try await run.finish()
            let received = Set(gateway.acceptedKeys)
            guard received.count > before, received.count < 2_000 else { continue }
            landed += 1
            // What the crash left in flight: claimed, and not answered by the gateway.
            let pending = try home.keys("SELECT key FROM message WHERE status = 'pending'")
            let neverArrived = pending.subtracting(received)
            #expect(neverArrived.count <= 8, "round \(round): \(pending.count) pending, \(neverArrived.count) of them never reached the gateway")
        }
        #expect(landed > 0, "no kill landed while messages were being sent; the test proved nothing")
        // The last run goes to the end; every unknown is one the crash hid, and no key went out twice.
        let last = try await home.start(["--once"]).finish()
        #expect(last.status == 0, "\(last.output)")
        let unknown = try home.keys("SELECT key FROM message WHERE status = 'unknown'")
        let received = Set(gateway.acceptedKeys)
        #expect(unknown.subtracting(received).count <= 8 * 5, "\(unknown.count) unknown after 5 kills, \(landed) of them mid-dispatch")
        #expect(gateway.acceptedCounts.values.allSatisfy { $0 == 1 })
        #expect(try home.count("SELECT COUNT(*) FROM message WHERE status NOT IN ('sent', 'unknown')") == 0)
    }
}
