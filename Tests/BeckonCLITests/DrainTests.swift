import Foundation
import GatewaySupport
import Testing

@Suite("beckon run drains on SIGTERM, within drain_seconds", .serialized)
struct DrainTests {
    @Test("SIGTERM mid-dispatch: nothing new is claimed, every send in flight is recorded, the rest stays scheduled",
          .timeLimit(.minutes(2)))
    func drainRecordsWhatIsInFlight() async throws {
        let gateway = LoopbackGateway()
        gateway.defaultFault = .slow(milliseconds: 300)
        try await gateway.start()
        let home = try GatewayHome(gateway: gateway.url, customers: 400, concurrency: 4, tickSeconds: 3600)
        defer { home.remove() }
        let daemon = try home.start(logLevel: "info")
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }
        #expect(await RunningBeckon.wait(seconds: 60) { gateway.acceptedKeys.count >= 12 }, "\(daemon.log)")

        let stopAsked = ContinuousClock.now
        kill(daemon.pid, SIGTERM)
        let (status, log) = try await daemon.finish(within: 30)
        let stopTook = ContinuousClock.now - stopAsked
        #expect(status == 0, "\(log.suffix(2_000))")
        // The sends in flight take 300 ms; 3 s is ample for them and far from the 400 × 300 ms / 4 of the rest.
        #expect(stopTook < .seconds(3), "the stop took \(stopTook)")
        #expect(try home.count("SELECT count(*) FROM message WHERE status = 'pending'") == 0)
        let sent = try home.keys("SELECT key FROM message WHERE status = 'sent'")
        #expect(sent == Set(gateway.acceptedKeys), "the gateway took \(gateway.acceptedKeys.count), the ledger says \(sent.count) sent")
        #expect(try home.count("SELECT count(*) FROM message WHERE status = 'scheduled'") == 400 - sent.count)
        await gateway.stop()
    }

    @Test("a send that outlasts drain_seconds does not hold the stop: the daemon exits after the bound, and its message is left for recovery",
          .timeLimit(.minutes(2)))
    func drainIsBounded() async throws {
        let gateway = LoopbackGateway()
        gateway.defaultFault = .slow(milliseconds: 30_000)
        try await gateway.start()
        let home = try GatewayHome(gateway: gateway.url, customers: 10, concurrency: 2, tickSeconds: 3600,
                                   extraConfig: "drain_seconds: 1", channelTimeout: 60)
        defer { home.remove() }
        let daemon = try home.start(logLevel: "info")
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }
        #expect(await RunningBeckon.wait(seconds: 60) {
            try home.count("SELECT count(*) FROM message WHERE status = 'pending'") == 2
        }, "\(daemon.log)")

        let stopAsked = ContinuousClock.now
        kill(daemon.pid, SIGTERM)
        let (_, log) = try await daemon.finish(within: 30)
        let stopTook = ContinuousClock.now - stopAsked
        // drain_seconds (1 s), then at most the 5 s the group gives cancelled work.
        #expect(stopTook < .seconds(8), "the stop took \(stopTook): \(log.suffix(2_000))")
        #expect(try home.count("SELECT count(*) FROM message WHERE status IN ('pending', 'scheduled')") == 10)
        await gateway.stop()
    }
}
