import BeckonCore
@testable import BeckonReport
import BeckonStore
import Foundation
import GRDB
import Testing

@Suite("beckon report: a generated month's counts, in HTML, CSV and JSON")
struct ReportTests {
    static let generatedAt = Date(timeIntervalSince1970: 1_796_000_000)
    static let settings = ReportAssembler.Settings(defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!, unitPrices: ["sms": 0.05],
                                                   templates: ["winback": ["": "好久不见 {{name}}", "a": "好久不见 {{name}}", "b": "{{name}}，送你一张券"]])

    static func month(customers: Int = 10_000, seed: UInt64 = 20_261_103) throws -> (ReportFigures, GeneratedMonth.Expected, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
        var month = GeneratedMonth(seed: seed)
        try month.write(customers: customers, into: store)
        // What ReportBuilder does before reading: credit every conversion (October's messages' too).
        let all = DateInterval(start: GeneratedMonth.from.adding(days: -45).start(in: .gmt), end: GeneratedMonth.to.adding(days: 30).start(in: .gmt))
        try store.attributeConversions(in: all, windows: Attribution.Windows())
        let rows = try store.reportRows(ReportPeriod(from: GeneratedMonth.from, to: GeneratedMonth.to), attributionDays: ["winback": 7, "birthday": 7])
        let figures = ReportAssembler(settings: settings).figures(rows, period: ReportPeriod(from: GeneratedMonth.from, to: GeneratedMonth.to), generatedAt: generatedAt)
        return (figures, month.expected, folder)
    }

    @Test("the funnel, heat maps, carriers, channels and opt-outs equal the counts drawn in the test")
    func countsEqualTheGeneratedMonth() throws {
        let (figures, expected, folder) = try Self.month()
        #expect(figures.funnels.map(\.campaign) == ["birthday", "winback"])
        for funnel in figures.funnels {
            let campaign = funnel.campaign
            #expect(funnel.due == expected.due[campaign])
            #expect(funnel.heldByPolicy == expected.held[campaign] ?? [:])
            #expect(funnel.failed == expected.failed[campaign] ?? 0)
            // Held-out rows are due but not for sending: the sent rate is of the rest.
            #expect(funnel.sent == Proportion(expected.sent[campaign]!, of: expected.due[campaign]! - (expected.heldOut[campaign] ?? 0)))
            #expect(funnel.delivered == Proportion(expected.delivered[campaign]!, of: expected.sent[campaign]!))
            // Bots (link previews within 2 s) are never a person's click.
            #expect(funnel.clicked == Proportion(expected.clicked[campaign]!, of: expected.sent[campaign]!))
            #expect(funnel.waiting == 0 && funnel.heldOut == expected.heldOut[campaign] ?? 0)
            // Conversions: one counted per delivered message with a conversion in its window, every amount summed.
            let series = GeneratedMonth.variants.map { campaign + "/" + $0 }
            #expect(funnel.clickThrough == series.map { expected.clickThrough[$0] ?? 0 }.reduce(0, +))
            #expect(funnel.viewThrough == series.map { expected.viewThrough[$0] ?? 0 }.reduce(0, +))
            #expect(abs(funnel.revenue - series.map { expected.revenue[$0] ?? 0 }.reduce(0, +)) < 1e-6)
            #expect(funnel.converted.successes == funnel.clickThrough + funnel.viewThrough && funnel.converted.trials == expected.sent[campaign])
        }
        // The control is only winback's, about 10% of its due rows.
        let control = try #require(expected.heldOut["winback"])
        #expect(expected.heldOut["birthday"] == nil && Double(control) / Double(expected.due["winback"]!) > 0.08)
        #expect(expected.clickThrough.values.reduce(0, +) > 0 && expected.viewThrough.values.reduce(0, +) > 100)
        // Conversions drawn after the window closed exist, and are not credited (the counts above exclude them).
        #expect(expected.lateConversions > 50)
        let store = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
        let creditedOutside = try store.writer.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM attribution a JOIN conversion c ON c.id = a.conversion_id
                JOIN delivery_report d ON d.message_key = a.message_key AND d.status = 'delivered'
                WHERE c.occurred_at > d.received_at + 7 * 86400 OR c.occurred_at <= d.received_at
                """)
        }
        #expect(creditedOutside == 0)
        let converted = try #require(figures.heatMaps.first { $0.event == .converted })
        #expect(converted.cells == expected.convertedCells)
        // Lift: the same sent and control rows, and whether each customer converted within 7 days of the send time.
        let lift = try #require(figures.lifts.first { $0.campaign == "winback" })
        #expect(lift.treated == expected.treated && lift.control == expected.control)
        #expect(figures.lifts.map(\.campaign) == ["winback"])
        let comparison = try #require(lift.comparison)
        #expect(comparison.absoluteInterval.contains(GeneratedMonth.trueLift), "\(comparison.absoluteInterval) vs \(GeneratedMonth.trueLift)")
        #expect(lift.verdict.hasPrefix("the campaign brought customers back"), "\(lift.verdict)")
        let delivered = try #require(figures.heatMaps.first { $0.event == .delivered })
        #expect(delivered.cells == expected.deliveredCells)
        let clicked = try #require(figures.heatMaps.first { $0.event == .clicked })
        #expect(clicked.cells == expected.clickedCells)
        #expect(figures.botClicks == expected.botClicks && expected.botClicks > 0)
        #expect(Dictionary(uniqueKeysWithValues: figures.carriers.map { ($0.name, $0.sent) }) == expected.carrierSent)
        let sms = try #require(figures.channels.first)
        #expect(sms.segments == expected.segments && figures.segments == expected.segments)
        #expect(abs((sms.cost ?? 0) - Double(expected.segments) * 0.05) < 1e-9)
        let topCodes = expected.failureCodes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map(\.key)
        #expect(sms.topFailures.map(\.code) == topCodes)
        #expect(Dictionary(uniqueKeysWithValues: figures.optOuts.map { ($0.campaign, $0.replies.successes) }) == expected.optOuts)
        for comparison in figures.variants {
            // Variants are compared on conversions once there are any.
            #expect(comparison.measure == "conversions")
            for variant in comparison.variants {
                let series = comparison.campaign + "/" + variant.variant
                #expect(variant.clicked.successes == expected.clickedByVariant[series] ?? 0)
                #expect(variant.converted.successes == (expected.clickThrough[series] ?? 0) + (expected.viewThrough[series] ?? 0))
            }
        }
        // winback's b converts twice as often as a (12% against 6%): over thousands of messages the test sees it.
        let winbackVariants = try #require(figures.variants.first { $0.campaign == "winback" })
        #expect(winbackVariants.test?.significant == true, "\(winbackVariants.verdict)")
        #expect(winbackVariants.verdict.hasPrefix("variant b leads on conversions"), "\(winbackVariants.verdict)")
        #expect(figures.topMessages.count == 4 && figures.topMessages[0].variant == "b")
        #expect(figures.topMessages.first { $0.campaign == "winback" && $0.variant == "b" }?.text == "{{name}}，送你一张券")
    }

    @Test("one campaign only, and a period with nothing in it says so")
    func campaignAndEmptyPeriod() throws {
        let (_, expected, folder) = try Self.month(customers: 300)
        let store = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
        let period = ReportPeriod(from: GeneratedMonth.from, to: GeneratedMonth.to, campaign: "winback")
        let one = ReportAssembler(settings: Self.settings).figures(try store.reportRows(period, attributionDays: [:]), period: period, generatedAt: Self.generatedAt)
        #expect(one.funnels.map(\.campaign) == ["winback"] && one.funnels[0].due == expected.due["winback"])
        let empty = ReportPeriod(from: LocalDate(iso: "2025-01-01")!, to: LocalDate(iso: "2025-01-31")!)
        let nothing = ReportAssembler(settings: Self.settings).figures(try store.reportRows(empty, attributionDays: [:]), period: empty, generatedAt: Self.generatedAt)
        #expect(nothing.isEmpty && nothing.heatMaps.allSatisfy { $0.total == 0 })
        let html = String(decoding: try ReportFormat.html.render(nothing), as: UTF8.self)
        #expect(html.contains("id=\"empty\"") && html.contains("there is nothing to report"))
        #expect(html.contains("Deliveries: 0, none in this period."))
    }

    @Test("CSV keeps every rate's denominator and quotes what a spreadsheet would run; JSON decodes to the same counts")
    func csvAndJSON() throws {
        let (figures, expected, _) = try Self.month(customers: 400)
        let csv = String(decoding: try ReportFormat.csv.render(figures), as: UTF8.self)
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines[0] == "section,campaign,variant,measure,value,of")
        #expect(lines.contains("funnel,winback,,delivered,\(expected.delivered["winback"]!),\(expected.sent["winback"]!)"))
        #expect(lines.contains("total,,,segments,\(expected.segments),"))
        #expect(ReportCSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        let json = try JSONSerialization.jsonObject(with: try ReportFormat.json.render(figures)) as! [String: Any]
        let funnels = json["funnels"] as! [[String: Any]]
        let winback = funnels.first { $0["campaign"] as? String == "winback" }!
        #expect((winback["due"] as? Int) == expected.due["winback"])
    }

    @Test("lift: the interval covers a known true lift; a tiny control is too small to tell")
    func lift() throws {
        var random = SplitMix(seed: 7)
        // True rates 6% (sent) and 4% (control): true absolute lift 2 points.
        func draw(_ n: Int, _ rate: Double) -> Proportion {
            Proportion((0..<n).filter { _ in Double(random.next() % 1_000_000) / 1_000_000 < rate }.count, of: n)
        }
        var rows = ReportRows()
        rows.exposures = [.init(campaign: "winback", treated: draw(9_000, 0.06), control: draw(1_000, 0.04)),
                          .init(campaign: "tiny", treated: draw(40, 0.06), control: draw(5, 0.04))]
        let figures = ReportAssembler(settings: Self.settings).figures(rows, period: ReportPeriod(from: GeneratedMonth.from, to: GeneratedMonth.to), generatedAt: Self.generatedAt)
        let winback = try #require(figures.lifts.first { $0.campaign == "winback" }?.comparison)
        #expect(winback.absoluteInterval.contains(0.02))
        let tiny = try #require(figures.lifts.first { $0.campaign == "tiny" })
        #expect(tiny.verdict.hasPrefix("too small to tell") || tiny.verdict.hasPrefix("no lift shown"))
    }
}
