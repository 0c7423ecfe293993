import BeckonStore
import Foundation
import GatewaySupport
import GRDB
import Testing

@Suite("beckon run: killed with SIGKILL while dispatching, restarted each time",
       .enabled(if: ProcessInfo.processInfo.environment["BECKON_CRASH_TESTS"] == "1",
                "a two-minute crash test: scripts/test (and CI) runs it with BECKON_CRASH_TESTS=1"))
struct DispatchCrashTests {
    static let messages = 20_000
    static let kills = 20

    /// A home whose one campaign sends every customer a message now, through the generic HTTP channel.
    func home(gateway: URL) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-dispatch-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("""
            timezone: Asia/Shanghai
            tick_seconds: 1
            stable_seconds: 0
            server: { port: 0 }
            policy: { quiet_hours: none }
            channels:
              gw:
                kind: http
                url: \(gateway.absoluteString)
                body: '{"to": "{{phone}}", "text": "{{text}}"}'
                provider_id: data.id
                concurrency: 16

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
        // Every customer's birthday is today in Shanghai, so every one is due now.
        var zoned = Calendar(identifier: .gregorian)
        zoned.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let today = zoned.dateComponents([.month, .day], from: Date())
        let birthday = String(format: "1990-%02d-%02d", today.month!, today.day!)
        var csv = "customer_id,name,phone,birthday\n"
        for i in 0..<Self.messages { csv += "C\(i),客户\(i),139\(String(format: "%08d", i)),\(birthday)\n" }
        try Data(csv.utf8).write(to: root.appendingPathComponent("inbox/customers.csv"))
        return root
    }

    func start(_ root: URL) throws -> Process {
        let process = Process()
        process.executableURL = BeckonBinary.url
        process.arguments = ["run", "--config", root.appendingPathComponent("etc/beckon.yaml").path, "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test("the gateway receives each key at most once, and every message has exactly one final receipt", .timeLimit(.minutes(10)))
    func killRepeatedly() async throws {
        let gateway = LoopbackGateway()
        try await gateway.start()
        defer { Task { await gateway.stop() } }
        let root = try home(gateway: gateway.url)
        defer { try? FileManager.default.removeItem(at: root) }
        let database = root.appendingPathComponent("var/beckon.sqlite")

        var generator = SystemRandomNumberGenerator()
        var killedWhileSending = 0
        for round in 0..<Self.kills {
            let process = try start(root)
            let before = gateway.acceptedKeys.count
            if round < 3 {
                // The first kills land anywhere: in the import, the planning or the first sends.
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...1500, using: &generator)))
            } else {
                // The rest land while messages are going out: once this run has sent something, a random moment later.
                for _ in 0..<400 where gateway.acceptedKeys.count == before && gateway.acceptedKeys.count < Self.messages {
                    try await Task.sleep(for: .milliseconds(25))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...600, using: &generator)))
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if gateway.acceptedKeys.count > before && gateway.acceptedKeys.count < Self.messages { killedWhileSending += 1 }
        }
        // The last run goes to the end.
        let last = try start(root)
        var open = Int.max
        for _ in 0..<600 where open > 0 {
            try await Task.sleep(for: .milliseconds(500))
            open = (try? Self.count(database, "SELECT COUNT(*) FROM message WHERE status IN ('scheduled', 'pending')")) ?? Int.max
            if (try? Self.count(database, "SELECT COUNT(*) FROM message")) ?? 0 < Self.messages { open = Int.max }
        }
        last.terminate()
        last.waitUntilExit()
        #expect(open == 0, "messages still open after the last run")
        #expect(killedWhileSending > 0, "no kill landed while messages were being sent; the test proved nothing")

        // At most once at the gateway.
        let counts = gateway.acceptedCounts
        #expect(counts.values.allSatisfy { $0 == 1 }, "keys sent twice: \(counts.filter { $0.value > 1 }.keys.prefix(5))")
        let queue = try DatabaseQueue(path: database.path)
        try await queue.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message") == Self.messages)
            // Exactly one final receipt per message: sent, or unknown when a crash hid the outcome.
            let receipts = try Row.fetchAll(db, sql: """
                SELECT m.key AS key, m.status AS status, COUNT(e.sequence) AS n FROM message m
                LEFT JOIN receipt_event e ON e.key = m.key AND e.status IN ('sent', 'unknown', 'failed', 'expired', 'suppressed', 'dropped')
                GROUP BY m.key
                """)
            #expect(receipts.allSatisfy { ($0["n"] as Int) == 1 }, "\(receipts.filter { ($0["n"] as Int) != 1 }.prefix(3))")
            // Nothing lost: everything the gateway took is sent or unknown in the ledger, and every sent message reached it.
            var statusByKey: [String: String] = [:]
            for row in receipts { statusByKey[row["key"]] = row["status"] }
            #expect(counts.keys.allSatisfy { ["sent", "unknown"].contains(statusByKey[$0]) })
            #expect(statusByKey.filter { $0.value == "sent" }.keys.allSatisfy { counts[$0] == 1 })
            #expect(statusByKey.values.allSatisfy { ["sent", "unknown"].contains($0) })
        }
    }

    static func count(_ database: URL, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: database.path)
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}
