import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: report_overdue_after per channel")
struct ReportOverdueConfigTests {
    func load(_ channels: String) throws -> BeckonConfiguration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-overdue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(("channels:\n" + channels).utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        return try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
    }

    static let kannel = "    kind: kannel\n    url: http://127.0.0.1:13013/cgi-bin/sendsms\n    username: u\n    password: p\n"
    static let http = "    kind: http\n    url: http://127.0.0.1:9/send\n    body: '{}'\n"

    @Test("a day by default for channels with delivery reports, none for those without; durations and none are read")
    func values() throws {
        let configuration = try load("""
              sms:
            \(Self.kannel)  gw:
            \(Self.http)    report_overdue_after: 90m
              quiet:
            \(Self.http)    report_overdue_after: none
              days:
            \(Self.http)    report_overdue_after: 2d
              seconds:
            \(Self.http)    report_overdue_after: 3600
              files: { kind: spool, directory: /tmp/spool }

            """)
        let overdue = Dictionary(configuration.channels.map { ($0.id, $0.reportOverdueAfter) }, uniquingKeysWith: { a, _ in a })
        #expect(overdue["sms"] == 86_400)
        #expect(overdue["gw"] == 5_400)
        #expect(overdue["quiet"] == .some(nil))
        #expect(overdue["days"] == 172_800)
        #expect(overdue["seconds"] == 3_600)
        #expect(overdue["files"] == .some(nil))
        #expect(overdue["outbox"] == .some(nil))
    }

    @Test("a value that is not a duration, or a channel that sends no reports, is refused at load with file, line and key",
          arguments: [
              ("  gw:\n\(http)    report_overdue_after: soon\n", "channels.gw.report_overdue_after", "expected a duration"),
              ("  gw:\n\(http)    report_overdue_after: 0h\n", "channels.gw.report_overdue_after", "expected a duration"),
              ("  gw:\n\(http)    report_overdue_after: -5m\n", "channels.gw.report_overdue_after", "expected a duration"),
              ("  files:\n    kind: spool\n    directory: /tmp/s\n    report_overdue_after: 1h\n", "report_overdue_after", "unknown key"),
          ])
    func refused(channels: String, key: String, message: String) throws {
        do {
            _ = try load(channels)
            Issue.record("accepted: \(channels)")
        } catch let error as ConfigError {
            let text = "\(error)"
            #expect(text.contains("beckon.yaml:"), "\(text)")
            #expect(text.contains(key), "\(text)")
            #expect(text.contains(message), "\(text)")
        }
    }
}
