import Foundation
import Testing

@Suite("beckon check, plan and explain with a holdout and a control group")
struct HoldoutCommandTests {
    static let campaign = """
        id: c
        trigger: { kind: birthday }
        template: "【品牌】{{name}}，新品到店，回复TD退订"
        control: 50%
        """

    func home(main: String, campaign: String = Self.campaign) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-holdout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try Data(main.utf8).write(to: root.appendingPathComponent("etc/beckon.yaml"))
        try Data(campaign.utf8).write(to: root.appendingPathComponent("etc/campaigns/c.yaml"))
        return root
    }

    @Test("check refuses a share outside 0..50% naming file, line and key")
    func refused() throws {
        let root = try home(main: "content:\n  brand: 品牌\npolicy:\n  holdout: 60%\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("etc/beckon.yaml:4"), "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("policy.holdout"))
    }

    @Test("check shows each group with its salt fingerprint")
    func groups() throws {
        let root = try home(main: "content:\n  brand: 品牌\npolicy:\n  holdout: 5%\n  holdout_salt: \"2026-h1\"\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", root.appendingPathComponent("etc/beckon.yaml").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("holdout: global holdout (policy.holdout_salt) 5%, salt "), "\(result.stdout)")
        #expect(result.stdout.contains("holdout: control group of c (control_salt) 50%, salt "), "\(result.stdout)")
    }
}

extension HoldoutCommandTests {
    @Test("plan counts the held out; explain says why, for the same customers")
    func planAndExplain() throws {
        let root = try home(main: "stable_seconds: 0\n", campaign: """
            id: c
            trigger: { kind: birthday }
            window: "10:00-12:00"
            template: "【Beckon】{{name}}生日快乐"
            control: 50%
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("etc/beckon.yaml").path
        try FileManager.default.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        let rows = (0..<20).map { "C\($0),客户,138001380\(String(format: "%02d", $0)),1990-11-25" }
        try Data(("customer_id,name,phone,birthday\n" + rows.joined(separator: "\n") + "\n").utf8)
            .write(to: root.appendingPathComponent("inbox/customers.csv"))
        let imported = try BeckonBinary.run(["run", "--once", "--now", "2026-11-24T07:00:00+08:00", "--config", config])
        #expect(imported.status == 0, "\(imported.stderr)")

        let plan = try BeckonBinary.run(["plan", "--from", "2026-11-25", "--to", "2026-11-26", "--json", "--config", config])
        #expect(plan.status == 0, "\(plan.stderr)")
        struct Output: Decodable {
            struct Row: Decodable { var campaign: String; var due: Int; var toSend: Int; var heldOut: Int }
            var summary: [Row]
        }
        let row = try #require(try JSONDecoder().decode(Output.self, from: Data(plan.stdout.utf8)).summary.first)
        #expect(row.due == 20 && row.heldOut + row.toSend == 20)
        #expect(row.heldOut > 0 && row.heldOut < 20)

        var explained = 0
        for i in 0..<20 {
            let out = try BeckonBinary.run(["explain", "C\(i)", "--at", "2026-11-25T11:59:00+08:00", "--config", config]).stdout
            if out.contains("in its control group: gets none of its messages") {
                explained += 1
                #expect(out.contains("held_out_control: in the control group of c (control 50%"), "\(out)")
            } else {
                #expect(out.contains("not in its control group"), "\(out)")
            }
        }
        #expect(explained == row.heldOut)
    }
}
