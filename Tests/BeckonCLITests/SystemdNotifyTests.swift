import Foundation
import GatewaySupport
import Testing

@Suite("beckon run speaks systemd's notify protocol to a socket the test owns")
struct SystemdNotifyTests {
    @Test("READY=1 after the first cycle with its summary, WATCHDOG=1 from the dispatch loop while it sends, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM",
          .timeLimit(.minutes(2)))
    func notifyProtocol() async throws {
        let socket = try NotifySocket()
        defer { socket.close() }
        let gateway = LoopbackGateway()
        gateway.defaultFault = .slow(milliseconds: 20)
        try await gateway.start()
        // 300 messages, 2 at a time, 20 ms each: the first cycle sends for about 3 s before it is done.
        let home = try GatewayHome(gateway: gateway.url, customers: 300, concurrency: 2, tickSeconds: 3600)
        defer { home.remove() }
        let daemon = try home.start(logLevel: "info", environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }

        #expect(await RunningBeckon.wait(seconds: 180) { socket.lines.contains("READY=1") }, "\(socket.messages) \(daemon.log)")
        #expect(gateway.acceptedKeys.count == 300, "READY=1 came before the first cycle was done")
        let ready = try #require(socket.messages.first { $0.hasPrefix("READY=1") })
        #expect(ready.contains("STATUS=last cycle") && ready.contains("300 sent"), "\(ready)")
        // Only the dispatch loop runs during the first cycle: every ping before READY=1 is its.
        let beforeReady = socket.messages.prefix { !$0.hasPrefix("READY=1") }
        #expect(beforeReady.filter { $0 == "WATCHDOG=1" }.count >= 5, "\(beforeReady)")
        // Idle, the cycle loop pings (every 100 ms for a 400 ms watchdog).
        let pingsAtReady = socket.messages.filter { $0 == "WATCHDOG=1" }.count
        try await Task.sleep(for: .seconds(1))
        #expect(socket.messages.filter { $0 == "WATCHDOG=1" }.count >= pingsAtReady + 4)

        kill(daemon.pid, SIGHUP)
        #expect(await RunningBeckon.wait(seconds: 30) {
            let lines = socket.lines
            guard let reloading = lines.lastIndex(where: { $0 == "RELOADING=1" }) else { return false }
            return lines[reloading...].contains("READY=1")
        }, "\(socket.messages.suffix(5))")
        #expect(socket.lines.contains { $0.hasPrefix("MONOTONIC_USEC=") })

        kill(daemon.pid, SIGTERM)
        let (status, log) = try await daemon.finish(within: 30)
        #expect(status == 0, "\(log.suffix(2_000))")
        #expect(socket.lines.contains("STOPPING=1"))
        await gateway.stop()
    }
}
