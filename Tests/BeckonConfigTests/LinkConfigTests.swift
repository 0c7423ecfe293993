import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("The links: section and a campaign's tracked_link")
struct LinkConfigTests {
    func load(_ beckon: String, campaign: String = ConfigurationTests.campaign) throws -> BeckonConfiguration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-links-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try Data(beckon.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data(campaign.utf8).write(to: root.appendingPathComponent("etc/campaigns/birthday.yaml"))
        return try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
    }

    func refusal(_ beckon: String, campaign: String = ConfigurationTests.campaign) throws -> ConfigError {
        try #require(throws: ConfigError.self) { try load(beckon, campaign: campaign) }
    }

    @Test("the defaults: loopback port 8471, 60 days, 7 characters; the base gets its trailing slash")
    func defaults() throws {
        let configuration = try load("links:\n  base: https://m.brand.cn\n")
        let links = try #require(configuration.links)
        #expect(links.settings.base == "https://m.brand.cn/")
        #expect(links.settings.target == nil)
        #expect(links.settings.expireDays == 60)
        #expect(links.settings.tokenLength == 7)
        #expect(links.host == "127.0.0.1")
        #expect(links.port == 8471)
        #expect(configuration.content.links == links.settings)
        #expect(try load("timezone: Asia/Shanghai\n").links == nil)
    }

    @Test("every key, as the README shows it")
    func everything() throws {
        let links = try #require(try load("""
            links:
              base: https://m.brand.cn/r/
              target: https://shop.brand.cn/spring?utm_source=sms
              listen: "[::1]:9001"
              expire_days: 30
              token_length: 8
              bot_user_agents: [MyMonitor, "Uptime Robot"]
            """).links)
        #expect(links.settings == LinkSettings(base: "https://m.brand.cn/r/", target: "https://shop.brand.cn/spring?utm_source=sms",
                                               expireDays: 30, tokenLength: 8))
        #expect(links.host == "::1")
        #expect(links.port == 9001)
        #expect(links.botUserAgents == ["MyMonitor", "Uptime Robot"])
    }

    @Test("values that cannot work name the file, the line and the key", arguments: [
        ("links:\n  target: https://a.example/\n", 2, "links.base", "missing"),
        ("links:\n  base: m.brand.cn\n", 2, "links.base", "not an http(s) URL"),
        ("links:\n  base: https://m.brand.cn/?x=1\n", 2, "links.base", "without a query"),
        ("links:\n  base: https://m.brand.cn/\n  target: /spring\n", 3, "links.target", "not an absolute http(s) URL"),
        ("links:\n  base: https://m.brand.cn/\n  expire_days: 0\n", 3, "links.expire_days", "from 1 to 3650"),
        ("links:\n  base: https://m.brand.cn/\n  token_length: 4\n", 3, "links.token_length", "from 6 to 16"),
        ("links:\n  base: https://m.brand.cn/\n  listen: 8471\n", 3, "links.listen", "needs host:port"),
        ("links:\n  base: https://m.brand.cn/\n  listen: \"127.0.0.1:99999\"\n", 3, "links.listen", "from 0 to 65535"),
        ("links:\n  base: https://m.brand.cn/\n  listen: \"brand.cn:8471\"\n", 3, "links.listen", "not an IP address"),
        ("links:\n  base: https://m.brand.cn/\n  expires: 3\n", 3, "links.expires", "unknown key"),
        ("links:\n  base: https://m.brand.cn/\n  bot_user_agents: [\"\"]\n", 3, "links.bot_user_agents[0]", "give a word"),
    ])
    func refused(yaml: String, line: Int, key: String, message: String) throws {
        let error = try refusal(yaml)
        #expect(error.file.hasSuffix("etc/beckon.yaml"))
        #expect(error.line == line, "\(error)")
        #expect(error.key == key, "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("tracked_link: per_variant is read, needs a links: section, and takes only its two values")
    func trackedLink() throws {
        let campaign = ConfigurationTests.campaign + "\ntracked_link: per_variant\n"
        let configuration = try load("links:\n  base: https://m.brand.cn/\n", campaign: campaign)
        #expect(configuration.campaigns.first?.trackedLink == .perVariant)
        #expect(try load("links:\n  base: https://m.brand.cn/\n").campaigns.first?.trackedLink == .perMessage)
        let missing = try refusal("timezone: Asia/Shanghai\n", campaign: campaign)
        #expect(missing.key == "tracked_link")
        #expect(missing.description.contains("needs tracked links: add a links: section"))
        let wrong = try refusal("links:\n  base: https://m.brand.cn/\n", campaign: ConfigurationTests.campaign + "\ntracked_link: per_campaign\n")
        #expect(wrong.key == "tracked_link")
        #expect(wrong.description.contains("is not one of per_message, per_variant"))
    }

    @Test("a template with a malformed link is refused where it is written")
    func malformedLink() throws {
        let error = try refusal("links:\n  base: https://m.brand.cn/\n", campaign: """
            id: birthday
            trigger:
              kind: birthday
            template: "Hi {{link: shop.example}}"
            """)
        #expect(error.line == 4)
        #expect(error.description.contains("needs a quoted URL"))
    }
}
