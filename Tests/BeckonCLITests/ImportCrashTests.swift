import BeckonStore
import Foundation
import GRDB
import Testing

@Suite("beckon import: killed halfway, then restarted",
       .enabled(if: ProcessInfo.processInfo.environment["BECKON_CRASH_TESTS"] == "1",
                "a one-minute crash test: scripts/test (and CI) runs it with BECKON_CRASH_TESTS=1"))
struct ImportCrashTests {
    /// 200,000 rows with Chinese names, mixed phone and date formats and 1% bad rows.
    static func writeExport(to url: URL, rows: Int) throws {
        var text = "customer_id,name,phone,birthday,city\n"
        text.reserveCapacity(rows * 48)
        for i in 0..<rows {
            let phone = i % 3 == 0 ? "+86 138-\(String(format: "%04d", i % 10_000))-\(String(format: "%04d", i / 10_000))" : "139\(String(format: "%08d", i))"
            let birthday = i % 2 == 0 ? "19\(60 + i % 40)-\(String(format: "%02d", i % 12 + 1))-\(String(format: "%02d", i % 28 + 1))" : "19\(60 + i % 40)/\(i % 12 + 1)/\(i % 28 + 1)"
            text += i % 100 == 99 ? "C\(i),坏行,not-a-phone,\(birthday),上海\n" : "C\(i),客户\(i),\(phone),\(birthday),北京\n"
        }
        try Data(text.utf8).write(to: url)
    }

    func home() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try Data("".utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        return root
    }

    /// The first line not yet committed by a running import, if any batch is committed.
    static func progress(_ queue: DatabaseQueue) -> Int? {
        try? queue.read { db in try Int.fetchOne(db, sql: "SELECT next_line FROM import_progress") }
    }

    /// Every customer column, in id order, hashed: equal digests mean identical stores.
    func digest(_ database: URL) throws -> String {
        let queue = try DatabaseQueue(path: database.path)
        return try queue.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, name, phone, birthday, attributes, active FROM customer ORDER BY id
                """)
            var hasher = Hasher()
            var count = 0
            for row in rows {
                for value in row.databaseValues { hasher.combine(value.description) }
                count += 1
            }
            let imports = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM imported_file") ?? 0
            let progress = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM import_progress") ?? 0
            return "\(count) customers, \(imports) import(s), \(progress) in progress, \(hasher.finalize())"
        }
    }

    @Test("the store ends identical to a clean import", .timeLimit(.minutes(5)))
    func killAndResume() async throws {
        let crashed = try home(), clean = try home()
        defer {
            try? FileManager.default.removeItem(at: crashed)
            try? FileManager.default.removeItem(at: clean)
        }
        let export = crashed.appendingPathComponent("members.csv")
        try Self.writeExport(to: export, rows: 200_000)

        let reference = try BeckonBinary.run(["import", export.path, "--config", clean.appendingPathComponent("etc/beckon.yaml").path])
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(reference.stdout.contains("members.csv\timported\t200000\t2000"))

        // Start the same import and kill it once some batches, but not all, are committed.
        let process = Process()
        process.executableURL = BeckonBinary.url
        process.arguments = ["import", export.path, "--config", crashed.appendingPathComponent("etc/beckon.yaml").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let database = crashed.appendingPathComponent("var/beckon.sqlite")
        var committedBeforeKill = 0
        for _ in 0..<600 {
            try await Task.sleep(for: .milliseconds(20))
            guard FileManager.default.fileExists(atPath: database.path),
                  let queue = try? DatabaseQueue(path: database.path),
                  let line = Self.progress(queue) else { continue }
            committedBeforeKill = line
            break
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the import finished before it could be killed")
        #expect(committedBeforeKill > 0 && committedBeforeKill < 200_000)

        let resumed = try BeckonBinary.run(["import", export.path, "--config", crashed.appendingPathComponent("etc/beckon.yaml").path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("members.csv\timported\t200000\t2000"))
        #expect(try digest(database) == (try digest(clean.appendingPathComponent("var/beckon.sqlite"))))
        // The rows rejected before and after the crash are all in the error report, once.
        let errors = try String(contentsOf: crashed.appendingPathComponent("inbox/rejected/members.csv.errors.csv"), encoding: .utf8)
        #expect(errors.split(separator: "\n").count == 2001)

        // A third import of the same content does nothing.
        let again = try BeckonBinary.run(["import", export.path, "--config", crashed.appendingPathComponent("etc/beckon.yaml").path])
        #expect(again.stdout.contains("members.csv\tduplicate"))
    }
}
