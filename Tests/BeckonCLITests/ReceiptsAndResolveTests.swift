import BeckonCore
import BeckonStore
import Foundation
import Testing

@Suite("beckon resolve and beckon receipts")
struct ReceiptsAndResolveTests {
    /// A home with an empty configuration and a ledger holding messages in the given states, sent today.
    func home(_ states: [String: MessageStatus], campaign: String = "recall", validFor: TimeInterval = 3600) throws -> (URL, SQLiteStore, [String: MessageKey]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-resolve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try Data("timezone: Asia/Shanghai\n".utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        let store = try SQLiteStore(path: root.appendingPathComponent("var/beckon.sqlite").path)
        let now = Date()
        let today = LocalDate(now, in: TimeZone(identifier: "Asia/Shanghai")!)
        var keys: [String: MessageKey] = [:]
        for (customer, status) in states {
            let key = MessageKey(campaign: campaign, wave: 1, customer: customer, localDate: today)
            keys[customer] = key
            let message = PlannedMessage(key: key, category: .marketing, phone: "+8613800138000", channel: "outbox", text: "hi",
                                         variant: "", sendAt: validFor > 0 ? now : now.addingTimeInterval(validFor - 60),
                                         validUntil: now.addingTimeInterval(validFor), reason: "recall")
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

    @Test("in bulk: by campaign and date with --dry-run first, by --keys-file, by several keys; --resend expires what is past valid_until")
    func bulk() throws {
        let states = Dictionary(uniqueKeysWithValues: (1...6).map { ("C\($0)", MessageStatus.unknown) } + [("C7", .sent)])
        let (root, store, keys) = try home(states)
        defer { try? FileManager.default.removeItem(at: root) }
        let config = ["--config", root.appendingPathComponent("etc/beckon.yaml").path]
        let day = keys["C1"]!.localDate.description

        let dry = try BeckonBinary.run(["resolve", "--campaign", "recall", "--date", day, "--resend", "--dry-run"] + config)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("dry run: 6 unknown messages; would be 6 scheduled to be sent again"), "\(dry.stdout)")
        #expect(try (1...6).allSatisfy { try store.entry(for: keys["C\($0)"]!)?.status == .unknown }, "a dry run changed the ledger")

        // A keys file, with a comment and a blank line; then the two left by name.
        let file = root.appendingPathComponent("keys.txt")
        try Data("# what the gateway has\n\(keys["C1"]!)\n\n\(keys["C2"]!)\n".utf8).write(to: file)
        let sent = try BeckonBinary.run(["resolve", "--keys-file", file.path, "--sent"] + config)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("resolved 2: 2 recorded as sent"), "\(sent.stdout)")
        #expect(try store.entry(for: keys["C1"]!)?.status == .sent)
        #expect(try store.entry(for: keys["C2"]!)?.status == .sent)

        // One key that is not unknown stops the whole list: nothing changes.
        let mixed = try BeckonBinary.run(["resolve", keys["C3"]!.description, keys["C7"]!.description, "--sent"] + config)
        #expect(mixed.status != 0)
        #expect(mixed.stderr.contains("is sent, not unknown") && mixed.stderr.contains("nothing was changed"), "\(mixed.stderr)")
        #expect(try store.entry(for: keys["C3"]!)?.status == .unknown)
        let two = try BeckonBinary.run(["resolve", keys["C3"]!.description, keys["C4"]!.description, "--resend"] + config)
        #expect(two.status == 0, "\(two.stderr)")
        #expect(try store.entry(for: keys["C3"]!)?.status == .scheduled)

        // The rest by campaign and date.
        let rest = try BeckonBinary.run(["resolve", "--campaign", "recall", "--date", day, "--resend"] + config)
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(rest.stdout.contains("resolved 2: 2 scheduled to be sent again"), "\(rest.stdout)")
        let none = try BeckonBinary.run(["resolve", "--campaign", "recall", "--sent"] + config)
        #expect(none.status == 0 && none.stdout.contains("no unknown messages of campaign recall"), "\(none.stdout)")
        // Receipts were written for the hour of the change.
        let folder = root.appendingPathComponent("outbox/receipts")
        #expect(FileManager.default.fileExists(atPath: folder.path))

        #expect(try BeckonBinary.run(["resolve", "--sent"] + config).stderr.contains("name the messages"))
        #expect(try BeckonBinary.run(["resolve", keys["C5"]!.description, "--campaign", "recall", "--sent"] + config).stderr.contains("not both"))
        try Data("recall/1/C9\n".utf8).write(to: file)
        #expect(try BeckonBinary.run(["resolve", "--keys-file", file.path, "--sent"] + config).stderr.contains("keys.txt:1:"))
    }

    @Test("--resend of a message past its valid_until records it expired, never a late send")
    func expiredResend() throws {
        let (root, store, keys) = try home(["C1": .unknown, "C2": .unknown], campaign: "birthday", validFor: -600)
        defer { try? FileManager.default.removeItem(at: root) }
        let config = ["--config", root.appendingPathComponent("etc/beckon.yaml").path]
        let result = try BeckonBinary.run(["resolve", "--campaign", "birthday", "--resend"] + config)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("resolved 2: 2 past its valid_until: recorded as expired"), "\(result.stdout)")
        #expect(try store.entry(for: keys["C1"]!)?.status == .expired)
        #expect(try store.entry(for: keys["C2"]!)?.reasonCode == "past_valid_until")
        let receipts = try store.receiptEvents(in: DateInterval(start: Date().addingTimeInterval(-3600), duration: 7200))
        #expect(receipts.filter { $0.status == .expired }.count == 2)
    }
}
