import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: the policy section and campaign delivery keys")
struct PolicyConfigTests {
    func node(_ yaml: String) throws -> ConfigNode { try ConfigNode.parse(yaml, file: "etc/beckon.yaml") }

    @Test("quiet hours, caps, tier caps, daily limit and consent defaults are read")
    func fullPolicy() throws {
        let policy = try node("""
            quiet_hours: "21:30-08:30"
            quiet_hours_by_category: { transactional: none, care: "23:00-07:00" }
            daily_limit: 2
            caps:
              marketing: ["3/7d", "6/30d"]
            tier_caps:
              vip: { care: ["3/7d"] }
            consent_defaults: { beauty: false }
            """).deliveryPolicy()
        #expect(policy.defaultQuietHours == TimeWindow(parsing: "21:30-08:30"))
        #expect(policy.quietHours(for: .transactional) == nil)
        #expect(policy.quietHours(for: .care) == TimeWindow(parsing: "23:00-07:00"))
        #expect(policy.quietHours(for: .marketing) == TimeWindow(parsing: "21:30-08:30"))
        #expect(policy.dailyLimit == 2)
        #expect(policy.caps.rules(for: .marketing, tier: nil) == [CapRule(max: 3, days: 7), CapRule(max: 6, days: 30)])
        #expect(policy.caps.rules(for: .care, tier: "vip") == [CapRule(max: 3, days: 7)])
        #expect(policy.consent.defaults["beauty"] == false)
        #expect(policy.consent.defaults["marketing"] == true)
    }

    @Test("mistakes name the key and say what was expected", arguments: [
        ("caps:\n  marketing: [\"2/7\"]\n", "policy.caps.marketing[0]", "expected a cap like 2/7d"),
        ("quiet_hours: late\n", "policy.quiet_hours", "expected HH:MM-HH:MM or a scene"),
        ("caps:\n  promo: [\"2/7d\"]\n", "policy.caps.promo", "unknown category"),
        ("daily_limit: 0\n", "policy.daily_limit", "at least 1"),
        ("quiet: \"22:00-08:00\"\n", "policy.quiet", "unknown key"),
    ])
    func mistakes(yaml: String, key: String, message: String) throws {
        let root = ConfigNode(node: try node(yaml).node, file: "etc/beckon.yaml", path: "policy")
        let error = try #require(throws: ConfigError.self) { try root.deliveryPolicy() }
        #expect(error.key == key)
        #expect(error.message.contains(message))
    }

    @Test("campaign delivery keys: window or scene, outside_window, caps flags, consent, conflicts, spread")
    func campaignKeys() throws {
        let campaign = try CampaignLoader.parse(node("""
            id: recall
            trigger: { kind: birthday }
            template: hi
            window: lunch
            outside_window: drop
            exempt_from_caps: true
            counts_toward_caps: false
            consent: beauty
            on_conflict: drop
            spread: false
            """))
        #expect(campaign.policy.window == TimeWindow.scenes["lunch"])
        #expect(campaign.policy.outsideWindow == .drop)
        #expect(campaign.policy.exemptFromCaps && !campaign.policy.countsTowardCaps)
        #expect(campaign.policy.consentCategory == "beauty")
        #expect(campaign.policy.onConflict == .drop)
        #expect(!campaign.policy.spread)
    }

    @Test("a bad campaign window names its line")
    func badWindow() throws {
        let error = try #require(throws: ConfigError.self) {
            try CampaignLoader.parse(node("id: x\ntrigger: { kind: birthday }\ntemplate: hi\nwindow: 10-12\n"))
        }
        #expect(error.line == 4)
        #expect(error.key == "window")
    }

    @Test("segments: defined in beckon.yaml, malformed ones and undefined names in audiences are refused")
    func segments() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-segments-\(UUID().uuidString)")
        let etc = folder.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: etc.appendingPathComponent("campaigns"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let campaign = "id: winback\ntrigger: { kind: birthday }\ntemplate: hi\naudience:\n  - segment in [churn-risk, dormant]\n"
        try Data(campaign.utf8).write(to: etc.appendingPathComponent("campaigns/winback.yaml"))
        let file = etc.appendingPathComponent("beckon.yaml")

        try Data("segments:\n  churn-risk: \"R 1-2\"\n  dormant: \"F 1-2 and M 1-2\"\n".utf8).write(to: file)
        let configuration = try BeckonConfiguration.load(file: file)
        #expect(configuration.policy.segments.map(\.name).sorted() == ["churn-risk", "dormant"])
        #expect(configuration.policy.segments.first { $0.name == "dormant" }?.ranges == [.frequency: 1...2, .monetary: 1...2])

        try Data("segments:\n  churn-risk: \"R 1-2\"\n".utf8).write(to: file)
        let undefined = try #require(throws: ConfigError.self) { try BeckonConfiguration.load(file: file) }
        #expect(undefined.message.contains("segment 'dormant' is not defined"))

        try Data("segments:\n  churn-risk: \"R 1-7\"\n".utf8).write(to: file)
        let malformed = try #require(throws: ConfigError.self) { try BeckonConfiguration.load(file: file) }
        #expect(malformed.key == "segments.churn-risk")
        #expect(malformed.line == 2)
    }

    @Test("rfm: how often the boundaries are recomputed; out-of-range values are refused with the key")
    func rfmRefresh() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-rfm-\(UUID().uuidString)")
        let etc = folder.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: etc.appendingPathComponent("campaigns"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = etc.appendingPathComponent("beckon.yaml")
        #expect(try BeckonConfiguration.load(file: { try! Data().write(to: file); return file }()).rfmRefresh == RFMRefresh())
        try Data("rfm:\n  refresh_minutes: 15\n  refresh_changed_percent: 5\n".utf8).write(to: file)
        #expect(try BeckonConfiguration.load(file: file).rfmRefresh == RFMRefresh(minimumInterval: 900, changedShare: 0.05))
        for (text, key) in [("rfm:\n  refresh_changed_percent: 0\n", "rfm.refresh_changed_percent"), ("rfm:\n  refresh_minutes: -1\n", "rfm.refresh_minutes"),
                            ("rfm:\n  every: 5\n", "rfm.every")] {
            try Data(text.utf8).write(to: file)
            let error = try #require(throws: ConfigError.self) { try BeckonConfiguration.load(file: file) }
            #expect(error.key == key, "\(error)")
        }
    }
}

@Suite("Campaign budgets in configuration")
struct BudgetConfigTests {
    func campaign(_ budget: String) throws -> Campaign {
        try CampaignLoader.parse(ConfigNode.parse("id: spring\ntrigger: { kind: birthday }\ntemplate: hi\nbudget: \(budget)\n", file: "spring.yaml"))
    }

    @Test("money and segment limits, per day and month")
    func parses() throws {
        let limits = try #require(try campaign("{ monthly: 3000, daily: 200, monthly_segments: 100 }").budget).limits
        #expect(limits == [.init(period: .day, unit: .money, amount: 200), .init(period: .month, unit: .money, amount: 3000),
                           .init(period: .month, unit: .segments, amount: 100)])
    }

    @Test("an unknown key, a negative amount or an empty budget is refused with the key", arguments: ["{ weekly: 3 }", "{ daily: -1 }", "{}"])
    func refuses(budget: String) throws {
        #expect(throws: ConfigError.self) { try campaign(budget) }
    }

    @Test("a money budget on a channel without unit_price is refused naming budget and the channel; with a price it loads")
    func moneyNeedsPrice() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-budget-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try Data("id: spring\ntrigger: { kind: birthday }\ntemplate: hi\nbudget: { monthly: 3000 }\n".utf8)
            .write(to: root.appendingPathComponent("etc/campaigns/spring.yaml"))
        let file = root.appendingPathComponent("etc/beckon.yaml")
        try Data("".utf8).write(to: file)
        let error = try #require(throws: ConfigError.self) { try BeckonConfiguration.load(file: file) }
        #expect(error.key == "budget" && "\(error)".contains("'outbox'"))
        try Data("channels:\n  outbox: { kind: outbox, unit_price: 0.045 }\n".utf8).write(to: file)
        let loaded = try BeckonConfiguration.load(file: file)
        #expect(loaded.budgetRule.price(channel: "outbox") == 0.045)
        #expect(loaded.budgetRule.budgets["spring"]?.limits == [.init(period: .month, unit: .money, amount: 3000)])
    }
}
