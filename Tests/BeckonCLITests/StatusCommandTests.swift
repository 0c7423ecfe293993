import Foundation
import GatewaySupport
import Testing

@Suite("beckon status reads the store, with or without a daemon")
struct StatusCommandTests {
    @Test("on a store no daemon ever ran: no daemon, the configuration on disk, nothing paused, no messages")
    func neverRan() throws {
        let home = try LaterHome(customers: 1)
        defer { home.remove() }
        let status = try BeckonBinary.run(["status", "--config", home.config])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("daemon: not running"))
        #expect(status.stdout.contains("on disk (no daemon has run on this store)"))
        #expect(status.stdout.contains("sending: not paused") && status.stdout.contains("messages: none"), "\(status.stdout)")
    }

    @Test("a gateway answering 500: the last send problem, per-channel figures and the writer, in text and JSON",
          .timeLimit(.minutes(2)))
    func failingGateway() async throws {
        let gateway = LoopbackGateway()
        gateway.defaultFault = .serverError
        try await gateway.start()
        let home = try GatewayHome(gateway: gateway.url, customers: 5, concurrency: 2, tickSeconds: 3600)
        defer { home.remove() }
        let daemon = try home.start()
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }
        let config = ["--config", home.config]
        #expect(await RunningBeckon.wait(seconds: 60) {
            (try? BeckonBinary.run(["status"] + config).stdout.contains("last send problem:")) == true
        }, "\(daemon.log)")
        let text = try BeckonBinary.run(["status"] + config).stdout
        #expect(text.contains("through gw:") && text.contains("to be retried"), "\(text)")
        #expect(text.contains("channel gw (http): 0 sent in the last minute"), "\(text)")
        #expect(text.contains("daemon: running, pid \(daemon.pid)"), "\(text)")
        let json = try BeckonBinary.run(["status", "--json"] + config).stdout
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let problem = report["lastSendProblem"] as? [String: Any]
        #expect(problem?["channel"] as? String == "gw" && problem?["retrying"] as? Bool == true, "\(json)")
        let channels = report["channels"] as? [[String: Any]] ?? []
        #expect(channels.contains { $0["id"] as? String == "gw" && $0["concurrency"] as? Int == 2 }, "\(json)")
        #expect(channels.contains { $0["id"] as? String == "outbox" && $0["awaitingReports"] == nil })
        kill(daemon.pid, SIGTERM)
        _ = try await daemon.finish(within: 30)
        await gateway.stop()
    }
}
