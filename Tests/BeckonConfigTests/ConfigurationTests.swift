import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: etc/beckon.yaml and campaigns")
struct ConfigurationTests {
    /// Writes `files` (relative path -> text) under a fresh `etc/` and loads it.
    func load(_ files: [String: String]) throws -> BeckonConfiguration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
    }

    static let campaign = """
        id: birthday
        trigger:
          kind: birthday
        template: "Hi {{name}}"
        """

    @Test("the shipped example configuration loads with its defaults")
    func shippedExample() throws {
        let url = Bundle.module.url(forResource: "Fixtures/valid/etc/beckon", withExtension: "yaml")!
        let configuration = try BeckonConfiguration.load(file: url)
        #expect(configuration.timeZone.identifier == "Asia/Shanghai")
        #expect(configuration.database.path.hasSuffix("var/beckon.sqlite"))
        #expect(configuration.campaigns.map(\.id) == ["birthday"])
        #expect(configuration.channels.map(\.id) == ["outbox"])
    }

    @Test("an unknown key in a campaign names the file, the line and the key")
    func unknownCampaignKey() throws {
        let error = try #require(throws: ConfigError.self) {
            try load(["etc/beckon.yaml": "", "etc/campaigns/b.yaml": Self.campaign + "\nchanel: outbox\n"])
        }
        #expect(error.file.hasSuffix("etc/campaigns/b.yaml"))
        #expect(error.line == 5)
        #expect(error.key == "chanel")
        #expect(error.description.contains("unknown key"))
    }

    @Test("an unknown key inside a trigger names its dotted path")
    func unknownTriggerKey() throws {
        let text = Self.campaign.replacingOccurrences(of: "kind: birthday", with: "kind: birthday\n  ofset_days: 3")
        let error = try #require(throws: ConfigError.self) { try load(["etc/beckon.yaml": "", "etc/campaigns/b.yaml": text]) }
        #expect(error.key == "trigger.ofset_days")
        #expect(error.line == 4)
    }

    @Test("a bad time zone names the file, the line and the key")
    func badTimeZone() throws {
        let error = try #require(throws: ConfigError.self) {
            try load(["etc/beckon.yaml": "inbox: in\ntimezone: Asia/Shangai\n"])
        }
        #expect(error.file.hasSuffix("etc/beckon.yaml"))
        #expect(error.line == 2)
        #expect(error.key == "timezone")
        #expect(error.message.contains("Asia/Shangai"))
    }

    @Test("bad values are rejected with what was expected", arguments: [
        ("tick_seconds: -1\n", "tick_seconds", "greater than 0"),
        ("tick_seconds: soon\n", "tick_seconds", "expected a number"),
        ("channels:\n  sms:\n    kind: pigeon\n", "channels.sms.kind", "is not one of"),
        ("inbox: [a, b]\n", "inbox", "expected a single value"),
    ])
    func badValues(yaml: String, key: String, message: String) throws {
        let error = try #require(throws: ConfigError.self) { try load(["etc/beckon.yaml": yaml]) }
        #expect(error.key == key)
        #expect(error.message.contains(message))
    }

    @Test("malformed YAML reports its line")
    func malformedYAML() throws {
        let error = try #require(throws: ConfigError.self) { try load(["etc/beckon.yaml": "inbox: in\n  bad: [\n"]) }
        #expect(error.line != nil)
        #expect(error.message.contains("not valid YAML"))
    }

    @Test("a campaign that names an undefined channel is an error")
    func undefinedChannel() throws {
        let error = try #require(throws: ConfigError.self) {
            try load(["etc/beckon.yaml": "", "etc/campaigns/b.yaml": Self.campaign + "\nchannel: kannel\n"])
        }
        #expect(error.message.contains("'kannel'"))
    }

    @Test("two campaigns with one id are an error")
    func duplicateIDs() throws {
        let error = try #require(throws: ConfigError.self) {
            try load(["etc/beckon.yaml": "", "etc/campaigns/a.yaml": Self.campaign, "etc/campaigns/b.yaml": Self.campaign])
        }
        #expect(error.message.contains("also used by"))
    }
}
