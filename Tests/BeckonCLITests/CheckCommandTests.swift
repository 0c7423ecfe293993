import Foundation
import Testing

@Suite("beckon check")
struct CheckCommandTests {
    func home(_ campaign: String, main: String = "content:\n  brand: 品牌\n") throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/templates"), withIntermediateDirectories: true)
        try Data(main.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data(campaign.utf8).write(to: root.appendingPathComponent("etc/campaigns/c.yaml"))
        try Data("【品牌】{{name}}，新品到店，回复TD退订\n".utf8).write(to: root.appendingPathComponent("etc/templates/new.txt"))
        return root
    }

    @Test("a clean campaign with variants passes and shows its segments")
    func clean() throws {
        let root = try home("""
            id: c
            trigger: { kind: birthday }
            template_file: new.txt
            variants:
              - { id: plain, weight: 50, template: "【品牌】新品到店，回复TD退订" }
              - { id: named, weight: 50, template_file: new.txt }
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("c\tplain\t15\tUCS-2\t15\t1"))
        #expect(result.stdout.contains("0 blocking"))
    }

    @Test("an event campaign's template may use its trigger files' columns, seen in the store or declared; other fields still block")
    func eventFields() throws {
        let campaign = """
            id: cart
            trigger: { kind: event, event: cart_abandoned, delay_minutes: 180, cancelled_by: [purchase] }
            template: "【品牌】{{name}}，您的{{product}}还在购物车里{{colour}}，回复TD退订"
            """
        let root = try home(campaign)
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("etc/beckon.yaml").path
        // No trigger file seen yet, nothing declared: both fields are unknown.
        let before = try BeckonBinary.run(["check", "--config", config])
        #expect(before.status == 1)
        #expect(before.stdout.contains("{{product}} at character"), "\(before.stdout)")
        #expect(before.stdout.contains("column of the 'cart_abandoned' trigger files seen"), "\(before.stdout)")

        // A trigger file with a product column: {{product}} is known, {{colour}} still is not.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("customer_id,event,at,product,price\nC1,cart_abandoned,2026-11-24T10:00:00+08:00,羊绒围巾,299\n".utf8)
            .write(to: root.appendingPathComponent("inbox/carts.csv"))
        let imported = try BeckonBinary.run(["import", root.appendingPathComponent("inbox/carts.csv").path, "--config", config])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let seen = try BeckonBinary.run(["check", "--config", config])
        #expect(seen.status == 1)
        #expect(!seen.stdout.contains("{{product}}"), "\(seen.stdout)")
        #expect(seen.stdout.contains("{{colour}} at character"), "\(seen.stdout)")

        // Declared in the campaign: known before any file came.
        let declared = try home(campaign.replacingOccurrences(of: "cancelled_by: [purchase] }", with: "cancelled_by: [purchase], fields: [product, colour] }"))
        defer { try? FileManager.default.removeItem(at: declared) }
        let result = try BeckonBinary.run(["check", "--config", declared.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test("a message longer than its channel's max_parts fails check, before any dispatch")
    func channelParts() throws {
        let long = String(repeating: "新品到店欢迎光临", count: 10)  // 80 UCS-2 characters plus signature and opt-out: 2 parts
        let root = try home("id: c\ntrigger: { kind: birthday }\nchannel: modem\ntemplate: \"【品牌】\(long)回复TD退订\"\n",
                            main: "content:\n  brand: 品牌\n  max_segments: 4\nchannels:\n  modem: { kind: spool, directory: spool, max_parts: 1 }\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("block\tc\t2 parts exceed channel 'modem' max_parts 1"), "\(result.stdout)")
    }

    @Test("a kannel channel with max_parts above 1 gets a warning naming the Kannel settings it needs; max_parts 1 gets none",
          arguments: [6, 1])
    func kannelConcatenation(maxParts: Int) throws {
        let root = try home("id: c\ntrigger: { kind: birthday }\nchannel: sms\ntemplate_file: new.txt\n", main: """
            content:
              brand: 品牌
            channels:
              sms: { kind: kannel, url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: u, password: p, from: "1069", max_parts: \(maxParts) }

            """)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status == 0, "a warning does not block: \(result.stdout)\(result.stderr)")
        let warning = result.stdout.split(separator: "\n").first { $0.hasPrefix("warn\tchannel:sms\t") }
        if maxParts > 1 {
            #expect(warning?.contains("concatenation = true") == true && warning?.contains("max-messages = 6") == true, "\(result.stdout)")
        } else {
            #expect(warning == nil, "\(result.stdout)")
        }
    }

    @Test("a blocked phrase or an unknown field fails with the campaign and the position")
    func blocking() throws {
        let root = try home("id: c\ntrigger: { kind: birthday }\ntemplate: \"【品牌】{{nick}}中奖了\"\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("block\tc\t{{nick}} at character 4"))
        #expect(result.stdout.contains("block\tc\tphrase '中奖' at character 12"))
    }

    @Test("a configuration error stops check with file, line and key")
    func configError() throws {
        let root = try home("id: c\ntrigger: { kind: birthday }\ntemplate: x\n", main: "content:\n  brand: 品牌\n  colour: red\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("etc/beckon.yaml:3: content.colour: unknown key"))
    }
}
