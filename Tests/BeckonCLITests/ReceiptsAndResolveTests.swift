import BeckonCore
import BeckonStore
import Foundation
import Testing

@Suite("beckon resolve and beckon receipts")
struct ReceiptsAndResolveTests {
    /// A home with an empty configuration and a ledger holding messages in the given states, sent today.
    func home(_ states: [String: MessageStatus]) throws -> (URL, SQLiteStore, [String: MessageKey]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-resolve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try Data("timezone: Asia/Shanghai\n".utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        let store = try SQLiteStore(path: root.appendingPathComponent("var/beckon.sqlite").path)
        let now = Date()
        let today = LocalDate(now, in: TimeZone(identifier: "Asia/Shanghai")!)
        var keys: [String: MessageKey] = [:]
        for (customer, status) in states {
            let key = MessageKey(campaign: "recall", wave: 1, customer: customer, localDate: today)
            keys[customer] = key
            let message = PlannedMessage(key: key, category: .marketing, phone: "+8613800138000", channel: "outbox", text: "hi",
                                         variant: "", sendAt: now, validUntil: now.addingTimeInterval(3600), reason: "recall")
            _ = try store.schedule([message], at: now)
            try store.markPending([key], at: now)
            try store.record([DispatchOutcome(key: key, status: status, reasonCode: status == .unknown ? "outcome_unknown_after_crash" : nil)], at: now)
        }
        return (root, store, keys)
    }

    @Test("--sent records an unknown message as sent; --resend schedules it again; other states are refused")
    func resolve() throws {
        let (root, store, keys) = try home(["C1": .unknown, "C2": .unknown, "C3": .sent])
        defer { try? FileManager.default.removeItem(at: root) }
        let config = ["--config", root.appendingPathComponent("etc/beckon.yaml").path]

        let sent = try BeckonBinary.run(["resolve", keys["C1"]!.description, "--sent"] + config)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try store.entry(for: keys["C1"]!)?.status == .sent)
        #expect(try store.entry(for: keys["C1"]!)?.reasonCode == "resolved_sent_by_operator")

        let resend = try BeckonBinary.run(["resolve", keys["C2"]!.description, "--resend"] + config)
        #expect(resend.status == 0, "\(resend.stderr)")
        #expect(try store.entry(for: keys["C2"]!)?.status == .scheduled)

        let refused = try BeckonBinary.run(["resolve", keys["C3"]!.description, "--sent"] + config)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("is sent, not unknown"))
        #expect(try BeckonBinary.run(["resolve", "nonsense", "--sent"] + config).stderr.contains("is not a message key"))
        #expect(try BeckonBinary.run(["resolve", keys["C1"]!.description] + config).stderr.contains("say --sent or --resend"))
    }

    @Test("receipts --date rewrites lost receipt files and the summary from the store, identically")
    func reprint() throws {
        let (root, _, keys) = try home(["C1": .unknown, "C2": .sent])
        defer { try? FileManager.default.removeItem(at: root) }
        let config = ["--config", root.appendingPathComponent("etc/beckon.yaml").path]
        let day = keys["C1"]!.localDate.description

        let first = try BeckonBinary.run(["receipts", "--date", day] + config)
        #expect(first.status == 0, "\(first.stderr)")
        let folder = root.appendingPathComponent("outbox/receipts/\(day)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.contains("summary.json") && names.contains { $0.hasPrefix("receipts-\(day)T") })
        let contents = try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        let csv = try names.filter { $0.hasSuffix(".csv") }.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined()
        #expect(csv.contains("\(keys["C1"]!),recall,,C1,+86138****8000,outbox,,unknown,outcome_unknown_after_crash"))
        #expect(csv.contains("\(keys["C2"]!),recall,,C2,"))

        try FileManager.default.removeItem(at: folder)
        let again = try BeckonBinary.run(["receipts", "--date", day] + config)
        #expect(again.status == 0)
        #expect(try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) } == contents)
        #expect(try BeckonBinary.run(["receipts", "--date", "2026-13-01"] + config).stderr.contains("is not a date"))
    }
}
