import Foundation
import GatewaySupport
import Testing

@Suite("beckon run reloads etc/ on SIGHUP, between cycles", .serialized)
struct ReloadTests {
    @Test("5,000 messages going out, a template changed and SIGHUP: none twice, none lost, the rest carry the new text",
          .timeLimit(.minutes(4)))
    func reloadUnderLoad() async throws {
        let gateway = LoopbackGateway()
        gateway.defaultFault = .slow(milliseconds: 4)
        try await gateway.start()
        let home = try GatewayHome(gateway: gateway.url, customers: 5_000, concurrency: 8, tickSeconds: 3600)
        defer { home.remove() }
        let daemon = try home.start(logLevel: "info")
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }

        let started = await RunningBeckon.wait(seconds: 240) { gateway.acceptedKeys.count >= 500 }
        #expect(started, "the daemon did not start sending: \(daemon.log)")
        let campaign = home.root.appendingPathComponent("etc/campaigns/notice.yaml")
        let old = try String(contentsOf: campaign, encoding: .utf8)
        try Data(old.replacingOccurrences(of: "您的账户通知", with: "您的新版通知").utf8).write(to: campaign)
        kill(daemon.pid, SIGHUP)
        #expect(gateway.acceptedKeys.count < 5_000, "all were sent before the reload: the test proves nothing")

        let finished = await RunningBeckon.wait(seconds: 150) {
            try home.count("SELECT count(*) FROM message WHERE status = 'sent'") == 5_000
        }
        #expect(finished, "not all 5,000 were sent: \(daemon.log.suffix(2_000))")
        #expect(daemon.process.isRunning, "SIGHUP stopped the daemon: \(daemon.log.suffix(2_000))")
        #expect(gateway.acceptedCounts.count == 5_000)
        #expect(gateway.acceptedCounts.values.allSatisfy { $0 == 1 }, "a key reached the gateway twice")
        let renewed = try home.count("SELECT count(*) FROM message WHERE text LIKE '%您的新版通知%'")
        let kept = try home.count("SELECT count(*) FROM message WHERE text LIKE '%您的账户通知%'")
        #expect(renewed > 0 && kept > 0 && renewed + kept == 5_000, "new text \(renewed), old text \(kept)")
        // Every message with the old text was answered before the first with the new one went.
        let lastOld = try home.count("SELECT CAST(max(updated_at) * 1000 AS INTEGER) FROM message WHERE text LIKE '%您的账户通知%'")
        let firstNew = try home.count("SELECT CAST(min(updated_at) * 1000 AS INTEGER) FROM message WHERE text LIKE '%您的新版通知%'")
        #expect(lastOld <= firstNew)
        #expect(daemon.log.contains("configuration reloaded"), "\(daemon.log.suffix(2_000))")

        kill(daemon.pid, SIGTERM)
        let (status, log) = try await daemon.finish(within: 60)
        #expect(status == 0, "\(log.suffix(2_000))")
        let receipts = try home.receiptRows().filter { $0.status == "sent" }
        #expect(receipts.count == 5_000 && Set(receipts.map(\.key)).count == 5_000)
        await gateway.stop()
    }

    @Test("a broken campaign file is refused with its file, line and key and the old configuration keeps running; a removed campaign's waiting messages are dropped as campaign_removed; SIGUSR1 is harmless",
          .timeLimit(.minutes(2)))
    func refusedThenRemoved() async throws {
        let home = try LaterHome(customers: 20)
        defer { home.remove() }
        let daemon = try home.start()
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }
        let planned = await RunningBeckon.wait(seconds: 60) {
            try home.count("SELECT count(*) FROM message WHERE campaign = 'evening' AND status = 'scheduled'") == 20
        }
        #expect(planned, "\(daemon.log)")

        let broken = home.root.appendingPathComponent("etc/campaigns/broken.yaml")
        try Data("id: broken\ntrigger: { kind: birthday }\nchanel: sms\ntemplate: hi\n".utf8).write(to: broken)
        kill(daemon.pid, SIGHUP)
        let refused = await RunningBeckon.wait(seconds: 30) { daemon.log.contains("configuration reload refused") }
        #expect(refused, "\(daemon.log)")
        #expect(daemon.log.contains("broken.yaml:3: chanel: unknown key"), "\(daemon.log)")
        #expect(try home.count("SELECT count(*) FROM message WHERE campaign = 'evening' AND status = 'scheduled'") == 20)
        let config = ["--config", home.config]
        let status = try BeckonBinary.run(["status"] + config)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("daemon: running, pid \(daemon.pid), since"), "\(status.stdout)")
        #expect(status.stdout.contains("reload refused at") && status.stdout.contains("broken.yaml:3: chanel: unknown key"), "\(status.stdout)")
        #expect(status.stdout.contains("etc/ has changed since"), "\(status.stdout)")
        #expect(status.stdout.contains("scheduled 20"), "\(status.stdout)")
        let json = try BeckonBinary.run(["status", "--json"] + config)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let failure = (report["configuration"] as? [String: Any])?["reloadFailure"] as? [String: Any]
        #expect(failure?["line"] as? Int == 3 && failure?["key"] as? String == "chanel"
                && (failure?["file"] as? String)?.hasSuffix("etc/campaigns/broken.yaml") == true, "\(json.stdout)")
        #expect((report["writer"] as? [String: Any])?["pid"] as? Int == Int(daemon.pid))
        #expect((report["messages"] as? [String: Any])?["scheduled"] as? Int == 20)

        kill(daemon.pid, SIGUSR1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(daemon.process.isRunning, "SIGUSR1 stopped the daemon")
        #expect(daemon.log.contains("SIGUSR1: logs go to standard error"), "\(daemon.log)")

        try FileManager.default.removeItem(at: broken)
        try FileManager.default.removeItem(at: home.root.appendingPathComponent("etc/campaigns/evening.yaml"))
        kill(daemon.pid, SIGHUP)
        let dropped = await RunningBeckon.wait(seconds: 30) {
            try home.count("SELECT count(*) FROM message WHERE campaign = 'evening' AND status = 'dropped' AND reason_code = 'campaign_removed'") == 20
        }
        #expect(dropped, "\(daemon.log)")
        let receipted = await RunningBeckon.wait(seconds: 30) {
            try home.receiptRows().filter { $0.status == "dropped" }.count == 20
        }
        #expect(receipted, "the drops have no receipts")
        #expect(daemon.log.contains("removed_campaigns=evening"), "\(daemon.log)")
        #expect(daemon.process.isRunning)
        let reloaded = try BeckonBinary.run(["status"] + config).stdout
        #expect(!reloaded.contains("reload refused") && reloaded.contains("same as on disk") && reloaded.contains("dropped 20"), "\(reloaded)")
        kill(daemon.pid, SIGTERM)
        let (exit, _) = try await daemon.finish(within: 30)
        #expect(exit == 0)
        // No daemon: status still reads the store.
        let stopped = try BeckonBinary.run(["status"] + config)
        #expect(stopped.status == 0 && stopped.stdout.contains("daemon: not running") && stopped.stdout.contains("same as on disk"),
                "\(stopped.stdout)\(stopped.stderr)")
    }
}

extension ReloadTests {
    @Test("a template beckon check would block (a field no customer has) is refused on reload; waiting messages keep their text",
          .timeLimit(.minutes(2)))
    func blockingTemplateRefused() async throws {
        let home = try LaterHome(customers: 5)
        defer { home.remove() }
        let daemon = try home.start()
        defer { if daemon.process.isRunning { kill(daemon.pid, SIGKILL) } }
        #expect(await RunningBeckon.wait(seconds: 60) {
            try home.count("SELECT count(*) FROM message WHERE campaign = 'evening' AND status = 'scheduled'") == 5
        }, "\(daemon.log)")
        let campaign = home.root.appendingPathComponent("etc/campaigns/evening.yaml")
        let old = try String(contentsOf: campaign, encoding: .utf8)
        try Data(old.replacingOccurrences(of: "晚上好", with: "晚上好，券码{{coupon_code}}").utf8).write(to: campaign)
        kill(daemon.pid, SIGHUP)
        #expect(await RunningBeckon.wait(seconds: 30) { daemon.log.contains("configuration reload refused") }, "\(daemon.log)")
        #expect(daemon.log.contains("campaign 'evening'") && daemon.log.contains("coupon_code"), "\(daemon.log)")
        #expect(try home.count("SELECT count(*) FROM message WHERE text LIKE '%晚上好%' AND text NOT LIKE '%券码%' AND status = 'scheduled'") == 5)
        kill(daemon.pid, SIGTERM)
        _ = try await daemon.finish(within: 30)
    }
}

/// A home whose one campaign's messages wait for a window later today in a zone chosen so that there is one.
struct LaterHome {
    let root: URL
    var config: String { root.appendingPathComponent("etc/beckon.yaml").path }
    var database: URL { root.appendingPathComponent("var/beckon.sqlite") }

    /// - Parameter extraConfig: more top-level lines for `etc/beckon.yaml`.
    init(customers: Int, extraConfig: String = "") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-later-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        // A zone where it is between 01:00 and 20:59 now, so a 23:00 window is still to come today.
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        // Etc/ zones run from UTC-12 to UTC+14.
        func localHour(_ offset: Int) -> Int { (utcHour + offset + 24) % 24 }
        let hours = Array(-12...14).first { (1...20).contains(localHour($0)) } ?? 0
        // Etc/GMT signs are inverted: Etc/GMT-8 is UTC+8.
        let zone = hours == 0 ? "UTC" : "Etc/GMT\(hours > 0 ? "-" : "+")\(abs(hours))"
        try Data("""
            timezone: \(zone)
            tick_seconds: 3600
            rescan_seconds: 3600
            stable_seconds: 0
            server: { port: 0 }
            policy: { quiet_hours: none }
            \(extraConfig)
            """.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data("""
            id: evening
            category: care
            trigger: { kind: birthday }
            window: "23:00-23:59"
            template: "【Beckon】{{name}}，晚上好"

            """.utf8).write(to: root.appendingPathComponent("etc/campaigns/evening.yaml"))
        var zoned = Calendar(identifier: .gregorian)
        zoned.timeZone = TimeZone(identifier: zone)!
        let today = zoned.dateComponents([.month, .day], from: Date())
        let birthday = String(format: "1990-%02d-%02d", today.month!, today.day!)
        var csv = "customer_id,name,phone,birthday,timezone\n"
        for i in 0..<customers { csv += "C\(i),客户\(i),139\(String(format: "%08d", i)),\(birthday),\(zone)\n" }
        try Data(csv.utf8).write(to: root.appendingPathComponent("inbox/customers.csv"))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func start() throws -> RunningBeckon {
        let process = Process()
        process.executableURL = BeckonBinary.url
        process.arguments = ["run", "--config", config]
        let output = root.appendingPathComponent("run.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return RunningBeckon(process: process, output: output)
    }

    func count(_ sql: String) throws -> Int {
        try GatewayHome.count(sql, in: database)
    }

    func receiptRows() throws -> [(key: String, status: String)] {
        try GatewayHome.receiptRows(in: root)
    }
}
