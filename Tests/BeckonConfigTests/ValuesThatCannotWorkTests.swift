import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

/// Values that used to pass `check` and crash or misbehave later: each is refused at load, naming the file,
/// the line and the key.
@Suite("Configuration values that cannot work are refused at load")
struct ValuesThatCannotWorkTests {
    func load(_ beckon: String) throws -> BeckonConfiguration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try Data(beckon.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data(ConfigurationTests.campaign.utf8).write(to: root.appendingPathComponent("etc/campaigns/birthday.yaml"))
        return try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
    }

    func refusal(_ beckon: String) throws -> ConfigError {
        try #require(throws: ConfigError.self) { try load(beckon) }
    }

    @Test("a cap of zero messages", arguments: ["0/7d", "0/1d"])
    func zeroCap(cap: String) throws {
        let error = try refusal("policy:\n  caps:\n    marketing: [\"\(cap)\"]\n")
        #expect(error.file.hasSuffix("etc/beckon.yaml"))
        #expect(error.line == 3)
        #expect(error.key == "policy.caps.marketing[0]")
        #expect(error.description.contains("allows no message"))
    }

    @Test("a server host that is not an address or a host name", arguments: ["127.0.0.1 ", "local host", "http://127.0.0.1", "", "-bad.example", "héllo"])
    func badHost(host: String) throws {
        let error = try refusal("server:\n  port: 8470\n  host: \"\(host)\"\n")
        #expect(error.line == 3)
        #expect(error.key == "server.host")
    }

    @Test("server hosts that work", arguments: ["127.0.0.1", "::1", "localhost", "0.0.0.0", "beckon-1.internal.example"])
    func goodHost(host: String) throws {
        #expect(try load("server:\n  host: \"\(host)\"\n").server.host == host)
    }

    @Test("an http channel body with a placeholder that is no message field")
    func unknownPlaceholder() throws {
        let error = try refusal("""
            channels:
              sms:
                kind: http
                url: http://127.0.0.1:9000/send
                body: '{"to": "{{phone}}", "text": "{{txet}}"}'

            """)
        #expect(error.line == 5)
        #expect(error.key == "channels.sms.body")
        #expect(error.description.contains("{{txet}}"))
        #expect(error.description.contains("{{text}}"))
    }

    @Test("a database URL is not taken for a file name", arguments: ["postgres://beckon@db:5432/beckon", "postgresql://localhost/beckon", "sqlite://var/x.sqlite"])
    func databaseURL(url: String) throws {
        let error = try refusal("database: \(url)\n")
        #expect(error.line == 1)
        #expect(error.key == "database")
        #expect(error.description.contains("SQLite"))
    }

    @Test("intervals that would never wake the daemon", arguments: ["tick_seconds: .inf", "tick_seconds: inf", "rescan_seconds: 1e12", "stable_seconds: nan", "tick_seconds: -1"])
    func intervals(line: String) throws {
        let error = try refusal(line + "\n")
        #expect(error.line == 1)
        #expect(error.key == String(line.prefix { $0 != ":" }))
    }
}
