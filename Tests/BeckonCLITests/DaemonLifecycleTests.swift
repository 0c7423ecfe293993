import Foundation
import Testing

@Suite("beckon run as a daemon")
struct DaemonLifecycleTests {
    @Test("it takes a file dropped while it runs, and stops cleanly on SIGTERM", .timeLimit(.minutes(1)))
    func sigterm() async throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("beckon-daemon-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("stable_seconds: 0\ntick_seconds: 3600\nrescan_seconds: 3600\n".utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data("id: b\ntrigger: { kind: birthday }\ntemplate: hi {{name}}\n".utf8)
            .write(to: root.appendingPathComponent("etc/campaigns/b.yaml"))

        let process = Process()
        process.executableURL = BeckonBinary.url
        process.arguments = ["run", "--config", root.appendingPathComponent("etc/beckon.yaml").path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()

        // Wait until it watches the inbox, then drop a file: inotify, not the hour-long rescan, must wake it.
        try await Task.sleep(for: .seconds(1.5))
        let staging = root.appendingPathComponent("customers.csv")
        try Data("customer_id,name,phone,birthday\nC1,王芳,13800138000,1990-01-01\n".utf8).write(to: staging)
        try fm.moveItem(at: staging, to: root.appendingPathComponent("inbox/customers.csv"))
        var archived = false
        for _ in 0..<100 where !archived {
            try await Task.sleep(for: .milliseconds(100))
            archived = !fm.fileExists(atPath: root.appendingPathComponent("inbox/customers.csv").path)
        }
        #expect(archived, "the file dropped into the inbox was not taken within 10 s")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(log)")
        #expect(log.contains("stopped gracefully"))
    }
}
