import Foundation
import Testing

/// `beckon init --industry`: every kit is written, passes `beckon check`, and on a generated customer file in the
/// ERP's own column names plans its playbook on the dates the playbook names.
@Suite("beckon init")
struct InitCommandTests {
    static let industries = ["retail", "beauty", "mother-baby", "fresh-food", "restaurant", "gym", "education", "luxury", "fmcg"]
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func folder() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("beckon-init-\(UUID().uuidString)") }
    func config(_ root: URL) -> String { root.appendingPathComponent("etc/beckon.yaml").path }

    func initialise(_ industry: String, _ root: URL, force: Bool = false) throws -> BeckonBinary.Result {
        try BeckonBinary.run(["init", "--industry", industry, root.path] + (force ? ["--force"] : []))
    }

    @Test("every kit is written and passes beckon check with no blocking finding and no warning", arguments: industries)
    func kitPassesCheck(industry: String) throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let written = try initialise(industry, root)
        #expect(written.status == 0, "\(written.stdout)\(written.stderr)")
        let check = try BeckonBinary.run(["check", "--config", config(root)])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("0 blocking, 0 warning(s)"), "\(check.stdout)")
        // docs/kits.md promises one SMS segment a message (priced with check's long sample name).
        let measures = check.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            .filter { $0.count == 6 && $0[0] != "campaign" }
        #expect(!measures.isEmpty)
        for row in measures { #expect(row[5] == "1", "\(row)") }

        // Each campaign file explains itself; each template names the customer, carries a link and a deadline.
        let fm = FileManager.default
        let campaigns = try fm.contentsOfDirectory(atPath: root.appendingPathComponent("etc/campaigns").path).sorted()
        #expect(campaigns.count >= 5)
        for file in campaigns {
            let text = try String(contentsOf: root.appendingPathComponent("etc/campaigns/\(file)"), encoding: .utf8)
            #expect(text.hasPrefix("# ") && text.contains("# Who: "), "\(file)")
            let template = try #require(text.split(separator: "\n").first { $0.hasPrefix("template_file: ") }).dropFirst("template_file: ".count)
            let body = try String(contentsOf: root.appendingPathComponent("etc/templates/\(template)"), encoding: .utf8)
            #expect(body.contains("{{name"), "\(template)")
            #expect(body.contains("{{short_link}}"), "\(template)")
            #expect(body.contains("有效") || body.contains("截止") || body.contains("today only"), "\(template): no deadline")
        }
    }

    @Test("the kit's working-day calendar is the shipped one, word for word")
    func workdaysMatchShipped() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try initialise("gym", root).status == 0)
        let written = try Data(contentsOf: root.appendingPathComponent("etc/calendars/cn.workdays.yaml"))
        #expect(written == (try Data(contentsOf: Self.repository.appendingPathComponent("etc/calendars/cn.workdays.yaml"))))
    }

    @Test("an existing file is never overwritten without --force: refused naming it, nothing written, exit 1")
    func refusesExisting() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("etc/campaigns"), withIntermediateDirectories: true)
        let mine = root.appendingPathComponent("etc/campaigns/10-birthday.yaml")
        try Data("# my own\n".utf8).write(to: mine)
        let refused = try initialise("retail", root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(mine.path) already exists; nothing was written"), "\(refused.stderr)")
        #expect(try String(contentsOf: mine, encoding: .utf8) == "# my own\n")
        #expect(!fm.fileExists(atPath: config(root)))
        #expect(try fm.contentsOfDirectory(atPath: root.appendingPathComponent("etc/campaigns").path) == ["10-birthday.yaml"])
        #expect(try fm.contentsOfDirectory(atPath: root.appendingPathComponent("etc").path).sorted() == ["campaigns"])

        // --force writes the kit over its own files and leaves other files alone.
        let other = root.appendingPathComponent("etc/campaigns/99-mine.yaml")
        try Data("# another\n".utf8).write(to: other)
        let forced = try initialise("retail", root, force: true)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOf: mine, encoding: .utf8).hasPrefix("# Birthday greeting"))
        #expect(try String(contentsOf: other, encoding: .utf8) == "# another\n")

        // A second init over a complete kit names the first file of the kit.
        let again = try initialise("beauty", root)
        #expect(again.status == 1)
        #expect(again.stderr.contains("\(config(root)) already exists"), "\(again.stderr)")
    }

    @Test("an unknown industry is refused with the list of known ones")
    func unknownIndustry() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try initialise("bakery", root)
        #expect(result.status != 0)
        #expect(result.stderr.contains("retail") && result.stderr.contains("mother-baby"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.path))
    }

    /// A generated member export in the ERP's Chinese column names: `count` customers whose last orders fall on
    /// consecutive days from `firstOrder`, birthdays away from the dates under test.
    func customers(count: Int, firstOrder: Date) -> (csv: String, lastOrders: [String: Date]) {
        var lines = ["会员编号,姓名,手机号,生日,最近消费时间,消费次数"]
        var lastOrders: [String: Date] = [:]
        for index in 0..<count {
            let id = "M\(1000 + index)"
            let last = firstOrder.addingTimeInterval(Double(index) * 86_400)
            lastOrders[id] = last
            lines.append("\(id),会员\(index),139\(String(format: "%08d", 10_000 + index)),1990-07-0\(1 + index % 5),\(Self.day(last)),\(1 + index % 2)")
        }
        return (lines.joined(separator: "\n") + "\n", lastOrders)
    }

    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)!
    }

    /// `beckon plan --json` over [from, to): campaign -> customer -> the local days it sends on (or the whole
    /// local send times, `2026-12-15T21:07:00+08:00`, with `times`).
    func planned(_ root: URL, from: String, to: String, times: Bool = false) throws -> [String: [String: [String]]] {
        let result = try BeckonBinary.run(["plan", "--from", from, "--to", to, "--json", "--config", config(root)])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        var sends: [String: [String: [String]]] = [:]
        for message in try #require(json["messages"] as? [[String: Any]]) where message["outcome"] as? String == "send" {
            let campaign = message["campaign"] as! String, customer = message["customer_id"] as! String
            let at = message["send_at"] as! String
            sends[campaign, default: [:]][customer, default: []].append(times ? at : String(at.prefix(10)))
        }
        return sends
    }

    @Test("the retail kit on a generated export: recall waves at lapse +7/+15/+30, payday on a Sunday moves to Friday, Singles' Day countdown 3/1/0")
    func retailDates() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try initialise("retail", root).status == 0)
        let (csv, lastOrders) = customers(count: 20, firstOrder: Self.date("2026-01-05"))
        let file = root.appendingPathComponent("inbox/members-export.csv")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(csv.utf8).write(to: file)
        let imported = try BeckonBinary.run(["import", file.path, "--config", config(root)])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")

        // The kit's retail lapse is 60 days (etc/campaigns/50-recall-1-gift.yaml: after_days: 60).
        let kitFile = try String(contentsOf: root.appendingPathComponent("etc/campaigns/50-recall-1-gift.yaml"), encoding: .utf8)
        #expect(kitFile.contains("after_days: 60, days: 7"))
        let waves = try planned(root, from: "2026-03-01", to: "2026-05-01")
        for (customer, last) in lastOrders {
            for (campaign, days) in [("recall-1-gift", 7), ("recall-2-upgrade", 15), ("recall-3-restart", 30)] {
                let expected = Self.day(last.addingTimeInterval(Double(60 + days) * 86_400))
                #expect(waves[campaign]?[customer] == [expected], "\(campaign) for \(customer) (last order \(Self.day(last))): \(waves[campaign]?[customer] ?? [])")
            }
        }

        // 2026-10-25 is a Sunday: payday goes on Friday 23 October, to everyone, and on no other day of the month.
        let october = try planned(root, from: "2026-10-01", to: "2026-11-01")
        let paydays = Set((october["payday"] ?? [:]).values.flatMap { $0 })
        #expect(paydays == ["2026-10-23"], "\(october["payday"] ?? [:])")
        #expect(october["payday"]?.count == lastOrders.count)

        // Singles' Day (11-11, a Wednesday in 2026): 3 days before, 1 day before and on the day, for everyone.
        let november = try planned(root, from: "2026-11-01", to: "2026-11-12")
        let countdown = try #require(november["countdown-double-11"], "\(november.keys.sorted())")
        #expect(countdown.count == lastOrders.count)
        for (customer, days) in countdown {
            #expect(days.sorted() == ["2026-11-08", "2026-11-10", "2026-11-11"], "\(customer): \(days)")
        }
    }

    /// Writes `industry`'s kit and imports a generated export of `count` customers with last orders on consecutive
    /// days from `firstOrder`, and the `extra` rows.
    func kitWithCustomers(_ industry: String, count: Int = 20, firstOrder: String, extra: String = "") throws -> URL {
        let root = folder()
        #expect(try initialise(industry, root).status == 0)
        let file = root.appendingPathComponent("inbox/members-export.csv")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((customers(count: count, firstOrder: Self.date(firstOrder)).csv + extra).utf8).write(to: file)
        let imported = try BeckonBinary.run(["import", file.path, "--config", config(root)])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        return root
    }

    @Test("the education kit: vacation enrolment a month before the winter and summer vacations, in the evening scene (21:00-22:00, not cut by quiet hours)")
    func educationPreset() throws {
        let root = try kitWithCustomers("education", firstOrder: "2026-11-01")
        defer { try? FileManager.default.removeItem(at: root) }
        for (from, to, day) in [("2026-12-01", "2027-01-01", "2026-12-15"), ("2026-05-20", "2026-06-20", "2026-06-01")] {
            let sends = try #require(try planned(root, from: from, to: to, times: true)["vacation-enrolment"], "\(from)")
            #expect(sends.count == 20)
            for (customer, times) in sends {
                #expect(times.count == 1 && times[0].hasPrefix(day + "T21:"), "\(customer): \(times)")
            }
        }
    }

    @Test("the gym kit: the mid-week class goes on Wednesdays as the lunch scene opens, to members seen in the last 30 days only")
    func gymMidweek() throws {
        // 13 members with last orders from 20 November to 2 December (their first recall wave, lapse 14 + 7 days, comes
        // after 9 December), and one last seen on 1 October: 62 days before the first Wednesday.
        let root = try kitWithCustomers("gym", count: 13, firstOrder: "2026-11-20", extra: "L1,老会员,13912345678,1990-07-01,2026-10-01,5\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let sends = try #require(try planned(root, from: "2026-12-01", to: "2026-12-15", times: true)["midweek-lunch"])
        #expect(sends.count == 13)
        #expect(sends["L1"] == nil)
        for (customer, times) in sends {
            #expect(times.sorted() == ["2026-12-02T11:30:00+08:00", "2026-12-09T11:30:00+08:00"], "\(customer): \(times)")
        }
    }

    @Test("the retail kit in a bilingual city: a member whose export says 语言 en gets the English birthday twin in GSM-7, the others the Chinese one")
    func bilingualBirthday() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try initialise("retail", root).status == 0)
        let file = root.appendingPathComponent("members.csv")
        try Data("会员编号,姓名,手机号,生日,语言\nE1,Anna Schmidt,13911112222,1990-07-01,en\nZ1,王芳,13933334444,1990-07-01,\n".utf8).write(to: file)
        #expect(try BeckonBinary.run(["import", file.path, "--config", config(root)]).status == 0)
        let result = try BeckonBinary.run(["plan", "--from", "2026-07-01", "--to", "2026-07-02", "--json", "--config", config(root)])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let messages = try #require(json["messages"] as? [[String: Any]])
        let byCustomer = Dictionary(messages.map { ($0["customer_id"] as! String, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(messages.count == 2, "\(messages)")
        let english = try #require(byCustomer["E1"])
        #expect(english["campaign"] as? String == "birthday-en")
        #expect(english["encoding"] as? String == "GSM-7")
        let text = try #require(english["text"] as? String)
        #expect(text.hasPrefix("Brand: Anna Schmidt, ") && text.hasSuffix("Reply STOP to opt out") && !text.contains("【"))
        let chinese = try #require(byCustomer["Z1"])
        #expect(chinese["campaign"] as? String == "birthday")
        #expect((chinese["text"] as? String)?.hasPrefix("【品牌】王芳，") == true)
    }
}
