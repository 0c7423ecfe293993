import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: channels, routing and the HTTP server")
struct ChannelConfigTests {
    func load(_ yaml: String, campaign: String? = nil) throws -> BeckonConfiguration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-channels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(yaml.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        if let campaign { try Data(campaign.utf8).write(to: root.appendingPathComponent("etc/campaigns/c.yaml")) }
        return try BeckonConfiguration.load(file: root.appendingPathComponent("etc/beckon.yaml"))
    }

    @Test("every kind with its keys, shared limits, failover, routing and server")
    func full() throws {
        let configuration = try load("""
            channels:
              sms:
                kind: kannel
                url: http://127.0.0.1:13013/cgi-bin/sendsms
                username: beckon
                password: secret
                from: "10690000"
                method: POST
                rate: 50
                concurrency: 4
                max_parts: 3
                failover: gw
                sender: brand-a
              gw:
                kind: http
                url: https://sms.example.com/send
                format: form
                body: "to={{phone}}&text={{text}}"
                provider_id: data.id
                deduplicates_by_key: true
                hard_failure_codes: [BAD_NUMBER]
              modem: { kind: spool, directory: /var/spool/sms/outgoing }
            routing:
              routes: { china_mobile: [sms], "+1": [gw] }
              default: [sms, gw]
            server: { host: 127.0.0.1, port: 9000, token: "0123456789abcdef0123" }
            opt_out_scope: sender
            receipts: { jsonl: true }
            """, campaign: "id: c\ntrigger: { kind: birthday }\ntemplate: hi\nchannel: route\n")
        let sms = try #require(configuration.channels.first { $0.id == "sms" })
        #expect(sms.kind == .kannel && sms.kannel?.usePOST == true && sms.kannel?.from == "10690000")
        #expect(sms.rate == 50 && sms.concurrency == 4 && sms.maxParts == 3 && sms.failover == "gw" && sms.sender == "brand-a")
        let gw = try #require(configuration.channels.first { $0.id == "gw" })
        #expect(gw.http?.format == "form" && gw.http?.deduplicatesByKey == true && gw.hardFailureCodes == ["BAD_NUMBER"])
        #expect(configuration.channels.first { $0.id == "modem" }?.directory == "/var/spool/sms/outgoing")
        #expect(configuration.channels.contains { $0.id == "outbox" })
        #expect(configuration.routing.routes["+1"] == ["gw"] && configuration.routing.fallback == ["sms", "gw"])
        #expect(configuration.server.port == 9000 && configuration.server.publicURL.absoluteString == "http://127.0.0.1:9000")
        #expect(configuration.optOutScope == .sender && configuration.receiptsJSONLines)
        #expect(configuration.campaigns.first?.sender == nil)  // routed: no single sender
    }

    @Test("mistakes name the key and say what was expected", arguments: [
        ("channels:\n  sms: { kind: kannel, url: 'ftp://x', username: u, password: p }\n", "channels.sms.url", "http:// or https://"),
        ("channels:\n  sms: { kind: kannel, url: 'http://x', username: u }\n", "channels.sms.password", "missing required key"),
        ("channels:\n  sms: { kind: smpp }\n", "channels.sms.kind", "smpp"),
        ("channels:\n  sms: { kind: outbox, rate: 0 }\n", "channels.sms.rate", "greater than 0"),
        ("channels:\n  sms: { kind: outbox, failover: nowhere }\n", "channels.sms.failover", "not another channel"),
        ("channels:\n  sms: { kind: outbox, colour: red }\n", "channels.sms.colour", "unknown key"),
        ("routing:\n  default: [nowhere]\n", "routing.default", "not a channel"),
        ("server: { token: short }\n", "server.token", "at least 16"),
        ("opt_out_scope: brand\n", "opt_out_scope", "brand"),
    ])
    func mistakes(yaml: String, key: String, message: String) throws {
        let error = try #require(throws: ConfigError.self) { try load(yaml) }
        #expect(error.key == key, "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("a routed campaign without routes is refused")
    func routeWithoutRoutes() throws {
        let error = try #require(throws: ConfigError.self) {
            try load("", campaign: "id: c\ntrigger: { kind: birthday }\ntemplate: hi\nchannel: route\n")
        }
        #expect(error.message.contains("routing: names no routes"))
    }

    @Test("failure_codes by class on top of the built-in table; hard_failure_codes stay class invalid")
    func failureCodes() throws {
        let configuration = try load("""
            channels:
              gw:
                kind: http
                url: https://sms.example.com/send
                body: "to={{phone}}"
                hard_failure_codes: [BAD_NUMBER]
                failure_codes:
                  suspended: ["E-SUSP"]
                  transient: ["MK:0005"]
                  content_blocked: [SPAM]
            """)
        let table = try #require(configuration.channels.first { $0.id == "gw" }).failureCodeTable
        #expect(table.classify("BAD_NUMBER") == .invalid)
        #expect(table.classify("E-SUSP") == .suspended)
        #expect(table.classify("MK:0005") == .transient)
        #expect(table.classify("SPAM") == .contentBlocked)
        #expect(table.classify("MK:0001") == .invalid)
    }

    @Test("an unknown failure class, or one code under two classes, is refused with the key", arguments: [
        ("failure_codes: { dead: [X] }", "unknown failure class 'dead'"),
        ("failure_codes: { invalid: [X], suspended: [X] }", "listed under both"),
    ])
    func failureCodeMistakes(line: String, message: String) throws {
        let error = try #require(throws: ConfigError.self) {
            try load("channels:\n  gw: { kind: http, url: \"https://sms.example.com/send\", body: \"x\", \(line) }\n")
        }
        #expect(error.description.contains(message), "\(error)")
        #expect(error.description.contains("failure_codes"), "\(error)")
    }
}
