import Foundation
import Testing

/// A campaign's own `locale:`, `brand:` and `opt_out_text:` over the global `content: { locale: zh }`, through the
/// commands that build or measure its text: `check`, `plan`.
@Suite("beckon check and plan with per-campaign content settings")
struct CampaignContentCommandTests {
    static let text = "{{name}}, your member gift is waiting for you in our store: show this message at the till before Sunday."

    /// Two campaigns with the same template on the same birthday: one English (locale en, its own brand), one on the
    /// global Chinese settings. One customer whose birthday is 2026-11-24.
    func home(english: String = "locale: en\nbrand: Beckon\n") throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("beckon-content-\(UUID().uuidString)")
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Data("stable_seconds: 0\npolicy: { daily_limit: 2 }\ncontent:\n  brand: 品牌\n  locale: zh\n".utf8)
            .write(to: root.appendingPathComponent("etc/beckon.yaml"))
        for (id, extra) in [("expat", english), ("local", "")] {
            try Data("id: \(id)\ntrigger: { kind: birthday }\nwindow: \"10:00-12:00\"\n\(extra)template: \"\(Self.text)\"\n".utf8)
                .write(to: root.appendingPathComponent("etc/campaigns/\(id).yaml"))
        }
        try Data("customer_id,name,phone,birthday\nC1,Mary Chen,13800138000,1990-11-24\n".utf8)
            .write(to: root.appendingPathComponent("inbox/customers.csv"))
        return root
    }

    func config(_ root: URL) -> String { root.appendingPathComponent("etc/beckon.yaml").path }

    /// `check`'s measure line of a campaign: chars, encoding, units, segments.
    func measure(_ campaign: String, in output: String) -> [String]? {
        let rows: [[String]] = output.split(separator: "\n").map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        guard let row = rows.first(where: { $0.first == campaign && $0.count == 6 }) else { return nil }
        return Array(row.dropFirst(2))
    }

    @Test("check measures the English campaign in GSM-7 at half the segments of the same text under the global zh settings")
    func checkMeasures() throws {
        let root = try home()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", config(root)])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let english = try #require(measure("expat", in: result.stdout), "\(result.stdout)")
        let chinese = try #require(measure("local", in: result.stdout), "\(result.stdout)")
        #expect(english[1] == "GSM-7")
        #expect(chinese[1] == "UCS-2")
        #expect(Int(english[3])! * 2 == Int(chinese[3])!, "\(result.stdout)")
        #expect(result.stdout.contains("'Reply STOP to opt out' is added"), "\(result.stdout)")
    }

    @Test("plan renders the English campaign with its brand and Reply STOP, no 【】, and the other with 【品牌】 and 回复TD退订")
    func planRenders() throws {
        let root = try home()
        defer { try? FileManager.default.removeItem(at: root) }
        let imported = try BeckonBinary.run(["import", root.appendingPathComponent("inbox/customers.csv").path, "--config", config(root)])
        #expect(imported.status == 0, "\(imported.stderr)")
        let result = try BeckonBinary.run(["plan", "--from", "2026-11-24", "--to", "2026-11-25", "--json", "--config", config(root)])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let messages = try #require(json["messages"] as? [[String: Any]])
        let byCampaign = Dictionary(messages.map { ($0["campaign"] as! String, $0) }, uniquingKeysWith: { first, _ in first })
        let english = try #require(byCampaign["expat"], "\(result.stdout)")
        let chinese = try #require(byCampaign["local"], "\(result.stdout)")
        let englishText = try #require(english["text"] as? String)
        #expect(englishText.hasPrefix("Beckon: Mary Chen, "))
        #expect(englishText.hasSuffix(" Reply STOP to opt out"))
        #expect(!englishText.contains("【") && !englishText.contains("退订"))
        #expect(english["encoding"] as? String == "GSM-7")
        let chineseText = try #require(chinese["text"] as? String)
        #expect(chineseText.hasPrefix("【品牌】") && chineseText.hasSuffix("回复TD退订"))
        #expect((english["segments"] as! Int) * 2 == chinese["segments"] as! Int)
    }

    @Test("an unknown locale in a campaign file is refused naming the file, the line and the key")
    func unknownLocale() throws {
        let root = try home(english: "locale: fr\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try BeckonBinary.run(["check", "--config", config(root)])
        #expect(result.status != 0)
        // locale: is the campaign file's fourth line (after id, trigger and window).
        #expect(result.stderr.contains("etc/campaigns/expat.yaml:4: locale: 'fr' is not one of zh, en"), "\(result.stderr)")
    }
}
