import Foundation
import Testing

@Suite("beckon run logs as configured: log_format and log_file, reopened on SIGUSR1")
struct LogFileTests {
    @Test("log_format: json to log_file: every line one JSON object; after a rename, SIGUSR1 starts a new file",
          .timeLimit(.minutes(2)))
    func jsonFileReopened() async throws {
        let home = try LaterHome(customers: 3, extraConfig: "log_format: json\nlog_file: var/beckon.log\n")
        defer { home.remove() }
        let daemon = try home.start()
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }
        let log = home.root.appendingPathComponent("var/beckon.log")
        func lines(_ url: URL) -> [String] {
            ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        #expect(await RunningBeckon.wait(seconds: 60) { lines(log).contains { $0.contains("imported customers file") } }, "\(daemon.log)")
        for line in lines(log) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String
                    && object?["metadata"] is [String: Any], "\(line)")
        }
        let watching = try #require(lines(log).first { $0.contains("watching the inbox") })
        let metadata = (try JSONSerialization.jsonObject(with: Data(watching.utf8)) as? [String: Any])?["metadata"] as? [String: Any]
        #expect(metadata?["tick_seconds"] as? String == "3600.0", "\(watching)")
        #expect(!daemon.log.contains("watching the inbox"), "the log went to standard error too")

        let rotated = home.root.appendingPathComponent("var/beckon.log.1")
        try FileManager.default.moveItem(at: log, to: rotated)
        kill(daemon.pid, SIGUSR1)
        #expect(await RunningBeckon.wait(seconds: 30) { lines(log).contains { $0.contains("SIGUSR1: reopened the log file") } })
        #expect(lines(rotated).contains { $0.contains("imported customers file") })
        #expect(!lines(log).contains { $0.contains("imported customers file") })
        kill(daemon.pid, SIGTERM)
        let (status, _) = try await daemon.finish(within: 30)
        #expect(status == 0)
        #expect(lines(log).contains { $0.contains("stopped gracefully") })
    }
}
