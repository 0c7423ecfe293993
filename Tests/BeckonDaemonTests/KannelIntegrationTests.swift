import BeckonConfig
import BeckonCore
import BeckonServer
import BeckonStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Prometheus
import Testing
@testable import BeckonDaemon

/// Kannel for real: bearerbox, smsbox and fakesmsc (Debian's `kannel` and `kannel-extras`) on loopback,
/// with the configuration in `Tests/Kannel/kannel.conf`; Beckon's engine sends through `sendsms`, and its
/// HTTP server takes Kannel's delivery reports and the replies fakesmsc sends.
@Suite("Kannel: real bearerbox, smsbox and fakesmsc on loopback", .serialized,
       .enabled(if: KannelHarness.available, "Kannel is not installed (apt-get install kannel kannel-extras; scripts/test does it)"))
struct KannelIntegrationTests {
    static let token = "kannel-test-token-0123456789abcdef"

    @Test("Chinese and English, single and multipart: fakesmsc gets the exact text, Kannel's reports make them delivered, TD suppresses")
    func sendReportAndReply() async throws {
        let home = try TemporaryHome()
        let store = try SQLiteStore(path: home.root.appendingPathComponent("var/beckon.sqlite").path)

        // Beckon's HTTP server first: Kannel's configuration needs its port.
        let server = BeckonHTTPServer(settings: .init(port: 0, token: Self.token, endpoints: [ReportEndpoint(channel: "kannel", dialect: .kannel)]),
                                      store: store, registry: PrometheusCollectorRegistry(), clock: SystemClock(), logger: Logger(label: "test"))
        let ready = AsyncStream<Int>.makeStream()
        let serverTask = Task { try await server.application(onServerRunning: { ready.continuation.yield($0) }).run() }
        defer { serverTask.cancel() }
        var port = 0
        for await bound in ready.stream { port = bound; break }

        // A TD reply from customer C3's phone, sent by fakesmsc as soon as it connects.
        let kannel = try KannelHarness(moURL: "http://127.0.0.1:\(port)/mo/kannel?token=\(Self.token)&from=%p&text=%a",
                                       replies: ["8613800138003 10690000 text TD"])
        defer { kannel.stop() }
        try await kannel.waitUntilReady()
        for _ in 0..<100 where try store.suppressions(customerIDs: [], phones: ["+8613800138003"]).isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try store.suppressions(customerIDs: [], phones: ["+8613800138003"]).first?.detail == "replied 'TD' on kannel")

        let chinese = "您好，春节快乐！"
        let english = "Hello + world & co"
        let longChinese = String(repeating: "新年好，恭喜发财。", count: 10)                       // 90 UCS-2 characters: 2 parts
        let longEnglish = String(repeating: "Spring sale at Beckon, 20% off today. ", count: 5)
            .trimmingCharacters(in: .whitespaces)  // 189 GSM-7 characters: 2 parts
        let now = Date()
        var zoned = Calendar(identifier: .gregorian)
        zoned.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let today = zoned.dateComponents([.month, .day], from: now)
        let birthday = String(format: "1990-%02d-%02d", today.month!, today.day!)
        try home.write("""
            customer_id,name,phone,birthday,greeting
            C1,王芳,13800138001,\(birthday),\(chinese)
            C2,Li Lei,13800138002,\(birthday),"\(english)"
            C3,张伟,13800138003,\(birthday),\(chinese)
            C4,刘洋,13800138004,\(birthday),\(longChinese)
            C5,Han Mei,13800138005,\(birthday),"\(longEnglish)"

            """, to: "customers.csv")

        var campaign = Campaign(id: "greeting", name: "greeting", category: .transactional, trigger: .birthday(BirthdayRule()),
                                template: try MessageTemplate("{{greeting}}"), channel: "kannel")
        campaign.policy.window = TimeWindow(parsing: "00:00-23:59")!
        campaign.policy.spread = false
        var configuration = home.configuration(campaigns: [campaign])
        var channel = ChannelConfiguration(id: "kannel", kind: .kannel)
        channel.kannel = .init(url: URL(string: "http://127.0.0.1:\(KannelHarness.sendsmsPort)/cgi-bin/sendsms")!,
                               username: "beckon", password: "secret", from: "10690000", usePOST: false)
        configuration.channels = [channel]
        configuration.server = ServerConfiguration(port: port, token: Self.token, tokenFile: home.root.appendingPathComponent("var/token"))
        configuration.policy.defaultQuietHours = nil
        configuration.stableSeconds = 0
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: SystemClock(), logger: Logger(label: "test"))
        let report = try await engine.runCycle()
        #expect(report.dispatch.sent == 4)
        #expect(report.decided == ["opted_out": 1])

        // fakesmsc prints each message it got; multipart ones arrive as parts with a concatenation header.
        for _ in 0..<100 where kannel.received().count < 6 { try await Task.sleep(for: .milliseconds(100)) }
        let received = kannel.received()
        #expect(received.count == 6, "\(received)")
        #expect(KannelHarness.texts(received, to: "+8613800138001") == [chinese])
        #expect(KannelHarness.texts(received, to: "+8613800138002") == [english])
        #expect(KannelHarness.texts(received, to: "+8613800138004", partsInUCS2: true) == [longChinese])
        #expect(KannelHarness.texts(received, to: "+8613800138005") == [longEnglish])
        #expect(KannelHarness.texts(received, to: "+8613800138003").isEmpty)
        // With `concatenation = true` (kannel.conf) each part of a long message carries a concatenation header
        // (UDH IEI 00, length 3: reference, total, sequence); without it the handset would show separate SMS.
        for phone in ["+8613800138004", "+8613800138005"] {
            let parts = received.filter { $0.to == phone }
            #expect(parts.count == 2 && parts.allSatisfy { $0.type == "udh" }, "\(phone): \(parts)")
            let headers = parts.compactMap { KannelHarness.percentBytes(String($0.text.split(separator: " ").first ?? "")) }
            #expect(headers.map { Array($0.prefix(3)) } == [[5, 0, 3], [5, 0, 3]], "\(phone): \(headers)")
            #expect(headers.map { $0.count > 5 ? [$0[4], $0[5]] : [] }.sorted { $0.last ?? 0 < $1.last ?? 0 } == [[2, 1], [2, 2]])
            #expect(Set(headers.map { $0.count > 3 ? $0[3] : 0 }).count == 1, "one reference for the parts of one message")
        }

        // Kannel's delivery reports settle every message as delivered, with a receipt.
        let keys = ["C1", "C2", "C4", "C5"].map { MessageKey(campaign: "greeting", wave: 0, customer: $0, localDate: LocalDate(now, in: zoned.timeZone)) }
        for _ in 0..<100 where try keys.contains(where: { try store.entry(for: $0)?.status != .delivered }) {
            try await Task.sleep(for: .milliseconds(100))
        }
        for key in keys { #expect(try store.entry(for: key)?.status == .delivered, "\(key)") }
        // The next tick's receipts: one sent and one delivered per message, whichever reached Beckon first
        // (Kannel often reports before its sendsms reply is recorded), and summary.json agreeing with the files.
        try engine.receipts.writeChanged()
        let receiptsFolder = home.outbox.appendingPathComponent("receipts")
        var rows: [ReceiptDay.Row] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: receiptsFolder.path) {
            let day = try ReceiptDay(folder: receiptsFolder.appendingPathComponent(name))
            day.expectConsistent()
            rows += day.rows
        }
        for key in keys {
            #expect(rows.filter { $0.key == key.description }.map(\.status) == ["sent", "delivered"], "\(key)")
            #expect(rows.first { $0.key == key.description }?.fields["channel"] == "kannel")
        }
        #expect(rows.contains { $0.key.hasPrefix("greeting/0/C3/") && $0.status == "suppressed" && $0.fields["reason_code"] == "opted_out" })

        // What Kannel was given to keep: the dlr-url names no phone and carries no token (a reference instead).
        let logs = kannel.logs()
        #expect(!logs.isEmpty)
        for (name, text) in logs {
            for line in text.split(separator: "\n") where line.contains("/dlr/") {
                #expect(!line.contains(Self.token) && !line.contains("13800138"), "\(name): \(line)")
            }
        }
    }
}

/// Starts and stops Kannel's processes for one test, in a temporary folder, on the ports of `kannel.conf`.
final class KannelHarness: @unchecked Sendable {
    static let bearerbox = "/usr/sbin/bearerbox"
    static let smsbox = "/usr/sbin/smsbox"
    static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"
    static let sendsmsPort = 23013
    static var available: Bool { [bearerbox, smsbox, fakesmsc].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) } }

    let folder: URL
    var processes: [Process] = []
    let fakeOutput: URL

    init(moURL: String, replies: [String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-kannel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Kannel/kannel.conf")
        let conf = try String(contentsOf: template, encoding: .utf8)
            .replacingOccurrences(of: "@LOGDIR@", with: folder.path)
            .replacingOccurrences(of: "http://127.0.0.1:23080/mo/kannel?from=%p&text=%a", with: moURL)
        let confURL = folder.appendingPathComponent("kannel.conf")
        try Data(conf.utf8).write(to: confURL)
        fakeOutput = folder.appendingPathComponent("fakesmsc.out")
        self.confURL = confURL
        self.replies = replies
        processes.append(try Self.launch(Self.bearerbox, [confURL.path], output: folder.appendingPathComponent("bearerbox.out")))
    }

    let confURL: URL
    let replies: [String]

    static func launch(_ path: String, _ arguments: [String], output: URL) throws -> Process {
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Waits until smsbox answers on its sendsms port: up to 60 s, since under the full suite on 2 cores smsbox
    /// once took longer than the 10 s this used to allow (alone it is up in under a second).
    ///
    /// smsbox and fakesmsc connect to bearerbox once and give up if it is not listening yet, so they start only
    /// when bearerbox's admin port answers, and smsbox is started again if it exited meanwhile.
    func waitUntilReady() async throws {
        let admin = URL(string: "http://127.0.0.1:23000/status")!
        var bearerboxUp = false
        for _ in 0..<600 where !bearerboxUp {
            if (try? await URLSession.shared.data(from: admin)) != nil { bearerboxUp = true } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard bearerboxUp else {
            Issue.record("bearerbox did not come up: \(logs()["bearerbox.out"]?.suffix(2_000) ?? "")")
            return
        }
        var smsbox = try Self.launch(Self.smsbox, [confURL.path], output: folder.appendingPathComponent("smsbox.out"))
        processes.append(smsbox)
        processes.append(try Self.launch(Self.fakesmsc, ["-H", "127.0.0.1", "-r", "23002", "-i", "0.5", "-m", String(replies.count)] + replies,
                                         output: fakeOutput))
        let url = URL(string: "http://127.0.0.1:\(Self.sendsmsPort)/cgi-bin/sendsms")!
        for attempt in 0..<600 {
            if (try? await URLSession.shared.data(from: url)) != nil { return }
            if !smsbox.isRunning, attempt % 50 == 49 {
                smsbox = try Self.launch(Self.smsbox, [confURL.path], output: folder.appendingPathComponent("smsbox-\(attempt).out"))
                processes.append(smsbox)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        // The folder is removed when the test stops: the logs go into the issue.
        Issue.record("smsbox did not come up: \(logs().map { "\($0.key): \($0.value.suffix(1_500))" }.joined(separator: "\n"))")
    }

    /// fakesmsc's "Got message N: <from to type text>" lines, as (to, type, text) triples.
    func received() -> [(to: String, type: String, text: String)] {
        let log = (try? String(contentsOf: fakeOutput, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: ": <"), line.contains("Got message"), line.hasSuffix(">") else { return nil }
            let body = line[start.upperBound...].dropLast()
            let parts = body.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4 else { return nil }
            return (parts[1], parts[2], parts[3])
        }
    }

    /// The texts a number received, multipart messages joined from their parts (by the concatenation header).
    /// fakesmsc prints the parts of a long message as `udh HEADER data PAYLOAD` whatever their coding, so the
    /// caller says whether the payload is UCS-2.
    static func texts(_ messages: [(to: String, type: String, text: String)], to phone: String, partsInUCS2: Bool = false) -> [String] {
        var texts: [String] = []
        var pending: [Int: [Int: String]] = [:]
        for message in messages where message.to == phone {
            switch message.type {
            case "text": texts.append(message.text.removingPercentEncoding ?? message.text)
            case "ucs-2": texts.append(decodeUCS2(message.text))
            case "udh":
                // "%05%00%03REF%TOTAL%SEQ data PAYLOAD"
                let fields = message.text.split(separator: " ", maxSplits: 2).map(String.init)
                guard fields.count == 3, let header = percentBytes(fields[0]), header.count == 6 else { continue }
                // Binary payloads are form-encoded: `+` for a space, %XX for the rest.
                let payload = partsInUCS2 ? decodeUCS2(fields[2])
                    : (fields[2].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? fields[2])
                pending[Int(header[3]), default: [:]][Int(header[5])] = payload
                if pending[Int(header[3])]!.count == Int(header[4]) {
                    texts.append(pending[Int(header[3])]!.sorted { $0.key < $1.key }.map(\.value).joined())
                    pending[Int(header[3])] = nil
                }
            default: continue
            }
        }
        return texts
    }

    /// fakesmsc prints binary as URL-style escapes of the raw bytes.
    static func percentBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(), let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    static func decodeUCS2(_ text: String) -> String {
        guard let bytes = percentBytes(text) else { return text }
        return String(data: Data(bytes), encoding: .utf16BigEndian) ?? text
    }

    /// Every log Kannel's processes wrote, by file name (read before `stop`, which removes them).
    func logs() -> [String: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var logs: [String: String] = [:]
        for name in names where name.hasSuffix(".log") || name.hasSuffix(".out") {
            logs[name] = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }
        return logs
    }

    func stop() {
        // SIGKILL: bearerbox's graceful shutdown waits for its boxes, and this harness has nothing to keep.
        for process in processes.reversed() where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in processes { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: folder)
    }
}
