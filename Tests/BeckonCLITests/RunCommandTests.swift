import Foundation
import Testing

@Suite("beckon run: configuration errors stop it with a message naming file and key")
struct RunCommandTests {
    func home(campaign: String, main: String = "") throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try Data(main.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data(campaign.utf8).write(to: root.appendingPathComponent("etc/campaigns/broken.yaml"))
        return root
    }

    @Test("a campaign file with an unknown key fails with file, line and key")
    func unknownKey() throws {
        let root = try home(campaign: "id: b\nkind_of: x\ntrigger:\n  kind: birthday\ntemplate: hi\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["run", "--once", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("etc/campaigns/broken.yaml:2: kind_of: unknown key"))
    }

    @Test("a bad time zone fails with file, line and key")
    func badTimeZone() throws {
        let root = try home(campaign: "id: b\ntrigger:\n  kind: birthday\ntemplate: hi\n", main: "timezone: Mars/Olympus\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["run", "--once", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("etc/beckon.yaml:1: timezone: unknown time zone 'Mars/Olympus'"))
    }

    @Test("run --once on a valid home exits 0 and reports the cycle")
    func onceSucceeds() throws {
        let root = try home(campaign: "id: b\ntrigger:\n  kind: birthday\ntemplate: hi {{name}}\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["run", "--once", "--now", "2026-11-24T10:00:00+08:00",
                                           "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cycle at 2026-11-24T10:00:00+08:00"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("var/beckon.sqlite").path))
    }

    @Test("--now without --once is refused")
    func nowNeedsOnce() throws {
        let result = try BeckonBinary.run(["run", "--now", "2026-11-24T10:00:00+08:00"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--now only goes with --once"))
    }
}
