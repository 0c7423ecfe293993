import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Testing
@testable import BeckonDaemon

@Suite("A reload: what it refuses, what it changes, and the waiting messages it composes again")
struct ConfigurationReloadTests {
    /// An `etc/` with the given main file and campaigns, in a folder of its own.
    struct Etc: ~Copyable {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-reload-\(UUID().uuidString)")
        var file: URL { root.appendingPathComponent("etc/beckon.yaml") }

        init(main: String, campaigns: [String: String]) throws {
            try write(main: main, campaigns: campaigns)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func write(main: String, campaigns: [String: String]) throws {
            let folder = root.appendingPathComponent("etc/campaigns")
            try? FileManager.default.removeItem(at: folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(main.utf8).write(to: file)
            for (id, text) in campaigns { try Data(text.utf8).write(to: folder.appendingPathComponent("\(id).yaml")) }
        }
    }

    static let birthday = "id: birthday\ncategory: care\ntrigger: { kind: birthday }\ntemplate: \"【Beckon】{{name}}，生日快乐\"\n"
    static let recall = "id: recall\ntrigger: { kind: birthday }\ntemplate: \"【Beckon】{{name}}，好久不见\"\n"

    @Test("moving the database is refused; timers, server and log settings are named as waiting for a restart; a removed or disabled campaign is listed")
    func changes() throws {
        let etc = try Etc(main: "tick_seconds: 60\n", campaigns: ["birthday": Self.birthday, "recall": Self.recall])
        let running = try BeckonConfiguration.load(file: etc.file)
        let store = try SQLiteStore()
        let reload = ConfigurationReload(file: etc.file)

        try etc.write(main: "database: elsewhere.sqlite\n", campaigns: ["birthday": Self.birthday])
        #expect(throws: ConfigError.self) { try reload.load(replacing: running, store: store) }
        do { _ = try reload.load(replacing: running, store: store) } catch { #expect(error.key == "database") }

        try etc.write(main: "tick_seconds: 5\nlog_format: json\nserver: { port: 9999 }\n",
                      campaigns: ["birthday": Self.birthday, "recall": Self.recall + "enabled: false\n"])
        let accepted = try reload.load(replacing: running, store: store)
        #expect(accepted.removedCampaigns == ["recall"])
        #expect(accepted.restartOnly.contains("tick_seconds") && accepted.restartOnly.contains("log_format")
                && accepted.restartOnly.contains("server"), "\(accepted.restartOnly)")
        #expect(accepted.hash == ConfigurationHash.of(folder: etc.file.deletingLastPathComponent()))
        // Only a campaign whose text would change is composed again.
        #expect(WaitingMessageRetext.changedComposition(from: running, to: accepted.configuration).isEmpty)
        try etc.write(main: "tick_seconds: 60\n", campaigns: ["birthday": Self.birthday.replacingOccurrences(of: "生日快乐", with: "生日好"),
                                                            "recall": Self.recall])
        let edited = try reload.load(replacing: running, store: store)
        #expect(WaitingMessageRetext.changedComposition(from: running, to: edited.configuration).map(\.id) == ["birthday"])
        #expect(accepted.hash != ConfigurationHash.of(folder: etc.root))
    }

    @Test("waiting messages of a changed template get the new text from their customer; sent ones and event campaigns' keep theirs")
    func recompose() throws {
        let store = try SQLiteStore()
        try store.upsert([Customer(id: "C1", name: "王芳", phone: "+8613800138000"), Customer(id: "C2", name: "李雷", phone: "+8613900139000")])
        let now = Date(timeIntervalSince1970: 1_801_900_000)
        func message(_ campaign: String, _ customer: String, _ text: String) -> PlannedMessage {
            PlannedMessage(key: MessageKey(campaign: campaign, wave: 0, customer: customer, localDate: LocalDate(iso: "2027-02-06")!),
                           category: .care, phone: "+86138", channel: "outbox", text: text, sendAt: now, validUntil: now + 3600, reason: "test")
        }
        let waiting = message("birthday", "C1", "old"), gone = message("birthday", "C2", "old"), event = message("cart", "C1", "old cart")
        _ = try store.schedule([waiting, gone, event], at: now)
        try store.record([DispatchOutcome(key: gone.key, status: .sent)], at: now)

        var birthday = Campaign(id: "birthday", name: "b", category: .care, trigger: .birthday(BirthdayRule()),
                                template: try MessageTemplate("【Beckon】{{name}}，新的祝福"))
        birthday.policy.window = TimeWindow(parsing: "09:00-21:00")!
        let cart = Campaign(id: "cart", name: "c", category: .care, trigger: .event(EventRule(event: "cart_abandoned", delay: 0)),
                            template: try MessageTemplate("【Beckon】{{name}}，购物车"))
        let planner = Planner(campaigns: [birthday, cart], defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!, calendar: CalendarContext())
        let changed = try WaitingMessageRetext.apply(to: [birthday, cart], planner: planner, store: store, at: now)
        #expect(changed == 1)
        #expect(try store.entry(for: waiting.key)?.message.text.hasPrefix("【Beckon】王芳，新的祝福") == true)
        #expect(try store.entry(for: gone.key)?.message.text == "old")
        #expect(try store.entry(for: event.key)?.message.text == "old cart")
        // Composing again with nothing changed changes nothing.
        #expect(try WaitingMessageRetext.apply(to: [birthday, cart], planner: planner, store: store, at: now) == 0)
    }
}
