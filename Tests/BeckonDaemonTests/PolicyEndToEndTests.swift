import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

@Suite("End to end: the policy between plan and send")
struct PolicyEndToEndTests {
    // The last second of the 10:00-11:00 window: every spread send time has come.
    static let instant = ISOInstant.parse("2026-11-24T10:59:59+08:00", defaultZone: .gmt)!

    static func campaign(_ id: String, priority: Int, category: MessageCategory = .marketing) -> Campaign {
        var campaign = Campaign(id: id, name: id, category: category, priority: priority, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate("【Beckon】{{name}} \(id)"))
        campaign.policy.window = TimeWindow(parsing: "10:00-11:00")!
        return campaign
    }

    func run(_ campaigns: [Campaign], customers: String, suppress: [Suppression] = [], segments: [RFMSegment] = []) async throws
        -> (BeckonEngine.CycleReport, SQLiteStore, String) {
        let home = try TemporaryHome()
        try home.write(customers, to: "customers.csv")
        var configuration = home.configuration(campaigns: campaigns)
        configuration.policy.segments = segments
        let store = try SQLiteStore(path: configuration.database.path)
        try store.addSuppressions(suppress)
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(Self.instant),
                                      fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
        let report = try await engine.runCycle()
        let receipts = home.files(under: "outbox/receipts").map { (try? home.contents(of: "outbox/receipts/" + $0)) ?? "" }.joined()
        return (report, store, receipts)
    }

    static let customers = """
        customer_id,name,phone,birthday,timezone
        C1,王芳,13800138000,1990-11-24,Asia/Shanghai
        C2,李雷,13900139000,1991-11-24,Asia/Shanghai

        """

    @Test("an opted-out customer gets a suppressed receipt, never a message")
    func optedOut() async throws {
        let (report, store, receipts) = try await run(
            [Self.campaign("birthday", priority: 1)], customers: Self.customers,
            suppress: [Suppression(phone: "+8613900139000", source: .optOutReply, detail: "TD", at: Self.instant.addingTimeInterval(-86_400))])
        #expect(report.dispatch.sent == 1)
        #expect(report.decided == ["opted_out": 1])
        let entry = try store.entry(for: MessageKey(campaign: "birthday", wave: 0, customer: "C2", localDate: LocalDate(iso: "2026-11-24")!))
        #expect(entry?.status == .suppressed)
        #expect(entry?.reasonCode == "opted_out")
        #expect(receipts.contains("birthday/0/C2/2026-11-24,birthday,,C2,+86139****9000,outbox,,suppressed,opted_out"))
    }

    @Test("two campaigns due on one day: the higher priority is sent, the other is dropped with the reason")
    func priority() async throws {
        let (report, store, receipts) = try await run(
            [Self.campaign("promo", priority: 1), Self.campaign("birthday", priority: 9)],
            customers: "customer_id,name,phone,birthday\nC1,王芳,13800138000,1990-11-24\n")
        #expect(report.dispatch.sent == 1)
        #expect(report.dispatch.dropped == 1)
        let promo = try store.entry(for: MessageKey(campaign: "promo", wave: 0, customer: "C1", localDate: LocalDate(iso: "2026-11-24")!))
        #expect(promo?.status == .dropped)
        #expect(promo?.reasonCode == "lower_priority")
        #expect(receipts.contains(",dropped,lower_priority,"))
    }

    @Test("a message whose window passed before Beckon ran expires instead of going out late")
    func expiredAfterWindow() async throws {
        var campaign = Self.campaign("birthday", priority: 1)
        campaign.policy.window = TimeWindow(parsing: "09:00-10:00")!
        let (report, _, receipts) = try await run([campaign], customers: Self.customers)
        #expect(report.dispatch.sent == 0)
        #expect(report.decided == ["past_valid_until": 2])
        #expect(receipts.contains(",expired,past_valid_until,"))
    }

    @Test("an RFM segment audience: scores are computed after the import and only churn-risk customers get the recall")
    func segmentAudience() async throws {
        var campaign = Self.campaign("winback", priority: 1)
        campaign.audience = AudienceRule(conditions: [try AudienceRule.parse("segment = churn-risk")])
        // Ten customers who ordered 1 to 10 days ago: the two oldest orders are R1, the next two R2.
        let rows = (1...10).map { i in
            "C\(i),客户\(i),1380013\(String(format: "%04d", i)),1990-11-24,2026-11-\(String(format: "%02d", 24 - i))T09:00:00+08:00,\(i),\(i * 100)"
        }
        let (report, store, _) = try await run(
            [campaign], customers: "customer_id,name,phone,birthday,last_order_at,order_count,total_spend\n" + rows.joined(separator: "\n") + "\n",
            segments: [try RFMSegment(name: "churn-risk", parsing: "R 1-2")])
        let breakpoints = try #require(try store.rfmBreakpoints())
        #expect(breakpoints.population == 10)
        #expect(report.dispatch.sent == 4)
        for i in 7...10 {
            #expect(try store.entry(for: MessageKey(campaign: "winback", wave: 0, customer: "C\(i)", localDate: LocalDate(iso: "2026-11-24")!))?.status == .sent)
        }
        #expect(try store.entry(for: MessageKey(campaign: "winback", wave: 0, customer: "C6", localDate: LocalDate(iso: "2026-11-24")!)) == nil)
    }
}
