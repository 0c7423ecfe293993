import BeckonStore
import Foundation
import Testing

@Suite("One writer per store: the daemon holds the lock, writers are refused, readers go on")
struct StoreLockCommandTests {
    @Test("while a daemon runs: run --once, import and resolve are refused naming it; plan, check and a dry run work; after SIGKILL the lock is free",
          .timeLimit(.minutes(2)))
    func daemonHoldsTheStore() async throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("beckon-lock-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("stable_seconds: 0\ntick_seconds: 3600\nrescan_seconds: 3600\nserver: { port: 0 }\n".utf8)
            .write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data("id: b\ntrigger: { kind: birthday }\ntemplate: hi {{name}}\n".utf8).write(to: root.appendingPathComponent("etc/campaigns/b.yaml"))
        let customers = root.appendingPathComponent("customers.csv")
        try Data("customer_id,name,phone,birthday\nC1,王芳,13800138000,1990-01-01\n".utf8).write(to: customers)
        let config = ["--config", root.appendingPathComponent("etc/beckon.yaml").path]
        let database = root.appendingPathComponent("var/beckon.sqlite").path

        let daemon = Process()
        daemon.executableURL = BeckonBinary.url
        daemon.arguments = ["run"] + config
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        for _ in 0..<200 where SQLiteStore.lockHolder(database: database)?.pid != daemon.processIdentifier {
            try await Task.sleep(for: .milliseconds(50))
        }
        let holder = try #require(SQLiteStore.lockHolder(database: database))
        #expect(holder.pid == daemon.processIdentifier)
        #expect(holder.command == "beckon run")

        let once = try BeckonBinary.run(["run", "--once"] + config)
        #expect(once.status == 75, "\(once.stdout)\(once.stderr)")
        #expect(once.stderr.contains("in use by pid \(daemon.processIdentifier) (beckon run"), "\(once.stderr)")
        #expect(once.stderr.contains("already runs a full cycle every 3600 s"), "\(once.stderr)")
        #expect(once.stderr.contains("stop the daemon first"), "\(once.stderr)")

        let second = try BeckonBinary.run(["run"] + config)
        #expect(second.status == 75 && second.stderr.contains("pid \(daemon.processIdentifier)"), "\(second.stderr)")
        let imported = try BeckonBinary.run(["import", customers.path] + config)
        #expect(imported.status == 75 && imported.stderr.contains("pid \(daemon.processIdentifier)"), "\(imported.stderr)")
        let resolved = try BeckonBinary.run(["resolve", "b/0/C1/2026-01-01", "--sent"] + config)
        #expect(resolved.status == 75, "\(resolved.stderr)")
        let receipts = try BeckonBinary.run(["receipts"] + config)
        #expect(receipts.status == 75, "\(receipts.stderr)")

        // Readers are not writers.
        let plan = try BeckonBinary.run(["plan", "--from", "2026-01-01T00:00:00+08:00", "--to", "2026-01-02T00:00:00+08:00"] + config)
        #expect(plan.status == 0, "\(plan.stderr)")
        let check = try BeckonBinary.run(["check"] + config)
        #expect(check.status == 0, "\(check.stderr)")
        let dryImport = try BeckonBinary.run(["import", "--dry-run", customers.path] + config)
        #expect(dryImport.status == 0, "\(dryImport.stderr)")
        #expect(daemon.isRunning)

        // The kernel drops the lock with the process, however it dies: no stale pid file to clean up.
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        #expect(SQLiteStore.lockHolder(database: database) == nil)
        let after = try BeckonBinary.run(["import", customers.path] + config)
        #expect(after.status == 0, "\(after.stderr)")
        let cycle = try BeckonBinary.run(["run", "--once"] + config)
        #expect(cycle.status == 0, "\(cycle.stderr)")
    }
}
