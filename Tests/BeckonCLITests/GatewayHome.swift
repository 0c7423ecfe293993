import BeckonStore
import Foundation
import GRDB

/// A Beckon home whose one campaign sends every customer a message now through the generic `http` channel
/// to a loopback gateway, with its customers waiting in the inbox.
struct GatewayHome {
    let root: URL
    var config: String { root.appendingPathComponent("etc/beckon.yaml").path }
    var database: URL { root.appendingPathComponent("var/beckon.sqlite") }

    /// - Parameter extraConfig: more top-level lines for `etc/beckon.yaml` (`drain_seconds: 2`).
    init(gateway: URL, customers: Int, concurrency: Int, tickSeconds: Int = 1, extraConfig: String = "", channelTimeout: Int = 10) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("""
            timezone: Asia/Shanghai
            tick_seconds: \(tickSeconds)
            stable_seconds: 0
            server: { port: 0 }
            policy: { quiet_hours: none }
            channels:
              gw:
                kind: http
                url: \(gateway.absoluteString)
                body: '{"to": "{{phone}}", "text": "{{text}}"}'
                provider_id: data.id
                concurrency: \(concurrency)
                timeout: \(channelTimeout)
            \(extraConfig)

            """.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data("""
            id: notice
            category: transactional
            trigger: { kind: birthday }
            window: "00:00-23:59"
            spread: false
            channel: gw
            template: "【Beckon】{{name}}，您的账户通知"

            """.utf8).write(to: root.appendingPathComponent("etc/campaigns/notice.yaml"))
        // Every customer's birthday is today in Shanghai, so every one is due now. The daemon reads the real clock
        // later: a home made in the last minute before Shanghai's midnight would be due yesterday by then, so it
        // waits for the new day first (at most a minute, in one run of the suite out of a thousand or so).
        var zoned = Calendar(identifier: .gregorian)
        zoned.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let clock = zoned.dateComponents([.hour, .minute, .second], from: Date())
        if clock.hour == 23 && clock.minute == 59 { Thread.sleep(forTimeInterval: Double(60 - clock.second!) + 2) }
        let today = zoned.dateComponents([.month, .day], from: Date())
        let birthday = String(format: "1990-%02d-%02d", today.month!, today.day!)
        var csv = "customer_id,name,phone,birthday\n"
        for i in 0..<customers { csv += "C\(i),客户\(i),139\(String(format: "%08d", i)),\(birthday)\n" }
        try Data(csv.utf8).write(to: root.appendingPathComponent("inbox/customers.csv"))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Starts `beckon run` with these arguments (`--once` or none), its output captured in files.
    /// - Parameter environment: added to this process's own (`NOTIFY_SOCKET`).
    func start(_ extra: [String] = [], logLevel: String = "error", environment: [String: String] = [:]) throws -> RunningBeckon {
        let process = Process()
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.executableURL = BeckonBinary.url
        process.arguments = ["run"] + extra + ["--config", config, "--log-level", logLevel]
        let output = root.appendingPathComponent("run-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return RunningBeckon(process: process, output: output)
    }

    func count(_ sql: String) throws -> Int { try Self.count(sql, in: database) }

    static func count(_ sql: String, in database: URL) throws -> Int {
        let queue = try DatabaseQueue(path: database.path)
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    func keys(_ sql: String) throws -> Set<String> {
        let queue = try DatabaseQueue(path: database.path)
        return try queue.read { db in Set(try String.fetchAll(db, sql: sql)) }
    }

    /// Every receipt row in `outbox/receipts/`, as (key, status).
    func receiptRows() throws -> [(key: String, status: String)] { try Self.receiptRows(in: root) }

    /// Every receipt row under `root`'s `outbox/receipts/`, as (key, status).
    static func receiptRows(in root: URL) throws -> [(key: String, status: String)] {
        let folder = root.appendingPathComponent("outbox/receipts")
        var rows: [(String, String)] = []
        guard let days = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        for day in days {
            let dayFolder = folder.appendingPathComponent(day)
            for name in try FileManager.default.contentsOfDirectory(atPath: dayFolder.path) where name.hasSuffix(".csv") {
                let text = try String(contentsOf: dayFolder.appendingPathComponent(name), encoding: .utf8)
                let lines = text.split(whereSeparator: \.isNewline)
                guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
                      let keyColumn = header.firstIndex(of: "key"), let statusColumn = header.firstIndex(of: "status") else { continue }
                for line in lines.dropFirst() {
                    let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    guard fields.count > max(keyColumn, statusColumn) else { continue }
                    rows.append((fields[keyColumn], fields[statusColumn]))
                }
            }
        }
        return rows
    }
}

/// A `beckon run` started by a test.
struct RunningBeckon {
    let process: Process
    let output: URL

    var pid: Int32 { process.processIdentifier }

    /// What it has written so far (standard output and error).
    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds (checked every 50 ms), at most `seconds`; false if it never did. A
    /// condition that throws (the database not created yet) does not hold.
    static func wait(seconds: Double, until condition: () throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return (try? condition()) == true
    }

    /// Waits for it to end (at most `seconds`, then kills it) and returns its status and output.
    func finish(within seconds: Double = 120) async throws -> (status: Int32, output: String) {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
