import Foundation
import GatewaySupport
import Testing

@Suite("beckon pause and resume beside a running daemon")
struct PauseCommandTests {
    @Test("pause mid-dispatch stops sends within one batch, survives a restart, and resume sends the rest once each",
          .timeLimit(.minutes(4)))
    func pauseMidDispatch() async throws {
        let gateway = LoopbackGateway()
        gateway.defaultFault = .slow(milliseconds: 5)
        try await gateway.start()
        let home = try GatewayHome(gateway: gateway.url, customers: 3_000, concurrency: 8, tickSeconds: 1)
        defer { home.remove() }
        let config = ["--config", home.config]
        var daemon = try home.start()
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }
        #expect(await RunningBeckon.wait(seconds: 90) { gateway.acceptedKeys.count >= 300 }, "\(daemon.log)")

        let paused = try BeckonBinary.run(["pause"] + config)
        let atPause = gateway.acceptedKeys.count
        #expect(paused.status == 0, "\(paused.stderr)")
        #expect(paused.stdout.contains("paused: everything since"), "\(paused.stdout)")
        try await Task.sleep(for: .seconds(2))
        let afterPause = gateway.acceptedKeys.count
        #expect(afterPause < 3_000, "everything went before the pause: the test proves nothing")
        // The dispatcher reviews due messages 500 at a time; the pause must stop it inside one of those.
        #expect(afterPause - atPause < 500, "\(afterPause - atPause) sent after the pause")
        try await Task.sleep(for: .seconds(1.5))
        #expect(gateway.acceptedKeys.count == afterPause, "sends went on while paused")
        #expect(try home.count("SELECT count(*) FROM message WHERE status = 'scheduled'") == 3_000 - afterPause)

        // Durable: a restarted daemon is still paused.
        kill(daemon.pid, SIGTERM)
        _ = try await daemon.finish(within: 30)
        daemon = try home.start()
        try await Task.sleep(for: .seconds(3))
        #expect(gateway.acceptedKeys.count == afterPause, "a restart lifted the pause")

        let unknown = try BeckonBinary.run(["pause", "--channel", "nope"] + config)
        #expect(unknown.status != 0 && unknown.stderr.contains("no channel 'nope'"), "\(unknown.stderr)")

        let resumed = try BeckonBinary.run(["resume"] + config)
        #expect(resumed.status == 0 && resumed.stdout.contains("1 pause(s) lifted") && resumed.stdout.contains("not paused"),
                "\(resumed.stdout)\(resumed.stderr)")
        #expect(await RunningBeckon.wait(seconds: 120) {
            try home.count("SELECT count(*) FROM message WHERE status = 'sent'") == 3_000
        }, "\(daemon.log)")
        #expect(gateway.acceptedCounts.count == 3_000 && gateway.acceptedCounts.values.allSatisfy { $0 == 1 })
        kill(daemon.pid, SIGTERM)
        _ = try await daemon.finish(within: 30)
        await gateway.stop()
    }

    @Test("a campaign pause holds only that campaign; resume --campaign lifts only it")
    func campaignPause() throws {
        let home = try LaterHome(customers: 1)
        defer { home.remove() }
        let config = ["--config", home.config]
        let paused = try BeckonBinary.run(["pause", "--campaign", "evening", "--channel", "outbox"] + config)
        #expect(paused.status == 0, "\(paused.stderr)")
        #expect(paused.stdout.contains("paused: campaign evening since") && paused.stdout.contains("paused: channel outbox since"), "\(paused.stdout)")
        let resumed = try BeckonBinary.run(["resume", "--campaign", "evening"] + config)
        #expect(resumed.stdout.contains("1 pause(s) lifted") && resumed.stdout.contains("paused: channel outbox"), "\(resumed.stdout)")
        #expect(!resumed.stdout.contains("campaign evening"))
        // run --once says why nothing went through the paused channel.
        let once = try BeckonBinary.run(["run", "--once"] + config)
        #expect(once.status == 0 && once.stdout.contains("paused: channel outbox since") && once.stdout.contains("beckon resume lifts it"),
                "\(once.stdout)\(once.stderr)")
    }
}
