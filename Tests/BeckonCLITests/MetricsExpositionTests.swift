import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `/metrics` of a real daemon, read the way Prometheus reads it.
@Suite("beckon run: /metrics")
struct MetricsExpositionTests {
    /// A port the kernel just handed out and released, for the daemon to listen on.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("after a cycle that sent a message, every metric has HELP text, dispatch latency is there, and promtool accepts it",
          .timeLimit(.minutes(3)))
    func exposition() async throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("beckon-metrics-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        let port = try Self.freePort()
        let token = "metrics-test-token-0123456789"
        try Data("""
            stable_seconds: 0
            tick_seconds: 3600
            policy: { quiet_hours: none, holdout: 1% }
            server: { port: \(port), token: \(token) }

            """.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data("id: b\ntrigger: { kind: birthday }\nwindow: \"00:00-23:59\"\nspread: false\ncontrol: 1%\ntemplate: hi {{name}}\n".utf8)
            .write(to: root.appendingPathComponent("etc/campaigns/b.yaml"))
        // Born today in the default zone, so the first cycle sends through the outbox channel.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let today = calendar.dateComponents([.month, .day], from: Date())
        let birthday = String(format: "1990-%02d-%02d", today.month!, today.day! == 29 && today.month! == 2 ? 28 : today.day!)
        try Data("customer_id,name,phone,birthday\nC1,王芳,13800138000,\(birthday)\n".utf8)
            .write(to: root.appendingPathComponent("inbox/customers.csv"))

        let process = Process()
        process.executableURL = BeckonBinary.url
        process.arguments = ["run", "--config", root.appendingPathComponent("etc/beckon.yaml").path]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }

        var exposition = ""
        // Until the cycle has recorded what it sent (the latency histograms exist from the start).
        for _ in 0..<100 where !exposition.contains("beckon_messages_total{") {
            try await Task.sleep(for: .milliseconds(100))
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            request.setValue("bearer \(token)", forHTTPHeaderField: "Authorization")
            if let (data, _) = try? await URLSession.shared.data(for: request) { exposition = String(decoding: data, as: UTF8.self) }
        }
        #expect(exposition.contains("beckon_dispatch_seconds_bucket{channel=\"outbox\""), "\(exposition)")
        #expect(exposition.contains("beckon_messages_total{"))
        // Made at start, at 0 (C1's buckets, 1599 and 8734 of 10,000, are far outside both 1% groups).
        #expect(exposition.contains("beckon_held_out_total{"), "\(exposition)")

        let families = exposition.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        let helped = Set(exposition.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
        #expect(!families.isEmpty)
        #expect(families.filter { !helped.contains($0) }.isEmpty, "metrics without HELP: \(families.filter { !helped.contains($0) })")

        // The real linter, where it is installed (scripts/test installs Debian's prometheus package for it).
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: fm.isExecutableFile(atPath:)) else {
            print("skipped: promtool is not installed (apt-get install prometheus); HELP lines checked by hand only")
            return
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: promtool)
        check.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        check.standardInput = input
        check.standardOutput = output
        check.standardError = output
        try check.run()
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "promtool check metrics: \(report)")
    }
}
