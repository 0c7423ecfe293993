import BeckonCore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

@Suite("Daemon logs: text or JSON lines, phones masked, a file SIGUSR1 reopens")
struct BeckonLogHandlerTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-log-\(UUID().uuidString)")
    var file: URL { folder.appendingPathComponent("beckon.log") }
    let instant = ISOInstant.parse("2027-02-06T10:00:00+08:00", defaultZone: TimeZone(identifier: "Asia/Shanghai")!)!

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("a JSON line carries time, level, message and metadata, with phone numbers masked in both")
    func json() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try LogOutput(file: file)
        var logger = Logger(label: "beckon") { BeckonLogHandler(label: $0, format: .json, output: output, clock: FixedClock(instant)) }
        logger[metadataKey: "run"] = "7"
        logger.notice("opt-out from +8613800138000", metadata: ["phone": "13800138000", "count": "20000"])
        let line = try #require(try lines(file).first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2027-02-06T02:00:00.000Z")
        #expect(object["level"] as? String == "notice")
        #expect(object["message"] as? String == "opt-out from +86138****8000")
        #expect(object["metadata"] as? [String: String] == ["phone": "138****8000", "count": "20000", "run": "7"])
        #expect(!line.contains("13800138000"))
    }

    @Test("a text line reads as swift-log's own: time, level, label, metadata sorted, source, message")
    func text() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try LogOutput(file: file)
        let logger = Logger(label: "beckon") { BeckonLogHandler(label: $0, format: .text, output: output, clock: FixedClock(instant)) }
        logger.info("cycle", metadata: ["sent": "3", "files": "1"])
        #expect(try lines(file) == ["2027-02-06T02:00:00.000Z info beckon: files=1 sent=3 [BeckonDaemonTests] cycle"])
    }

    @Test("what is masked and what is not", arguments: [
        ("to +8613800138000 now", "to +86138****8000 now"),
        ("13800138000", "138****8000"),
        ("(+12025550123)", "(+120****0123)"),
        ("port 8470, 20000 messages, year 2026", "port 8470, 20000 messages, year 2026"),
        ("a 16-digit run 1234567890123456 stays", "a 16-digit run 1234567890123456 stays"),
        ("no digits", "no digits"),
    ])
    func masking(input: String, expected: String) {
        #expect(BeckonLogHandler.maskPhones(input) == expected)
    }

    @Test("after the file is renamed (logrotate), reopen starts a new file by the same name; nothing is lost")
    func reopen() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try LogOutput(file: file)
        output.write(line: "first")
        let rotated = folder.appendingPathComponent("beckon.log.1")
        try FileManager.default.moveItem(at: file, to: rotated)
        output.write(line: "second, still into the renamed file")
        #expect(output.reopen())
        output.write(line: "third")
        #expect(try lines(rotated) == ["first", "second, still into the renamed file"])
        #expect(try lines(file) == ["third"])
        #expect(!LogOutput.standardError.reopen())
    }
}
