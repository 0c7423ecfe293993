import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonInbox

/// Customers and a conversions file through the real inbox processor, messages through the real ledger (sent,
/// delivery reports, clicks), a real SQLite file in a temp dir: what is credited, and what is not.
@Suite("Conversions end to end: inbox file, ledger, attribution")
struct ConversionAttributionEndToEndTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let now = instant("2026-11-24 10:00")
    static let november = DateInterval(start: instant("2026-11-01 00:00"), end: instant("2026-12-01 00:00"))
    static let windows = Attribution.Windows(days: ["winback": 7, "birthday": 7])

    static func instant(_ local: String) -> Date { FieldParsers.timestamp(local, zone: zone)! }

    typealias Outer = ConversionAttributionEndToEndTests

    final class World {
        let folder: URL
        let store: SQLiteStore
        let processor: InboxProcessor

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-conversions-\(UUID().uuidString)")
            let inbox = folder.appendingPathComponent("inbox")
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            store = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
            processor = InboxProcessor(inbox: inbox, store: store, stableSeconds: 0, fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)),
                                       logger: Logger(label: "test"))
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func drop(_ text: String, as name: String) throws -> InboxProcessor.Outcome {
            try Data(text.utf8).write(to: processor.inbox.appendingPathComponent(name))
            return try #require(processor.processReadyFiles(now: Outer.now, timeZone: Outer.zone).first)
        }

        /// A message sent at `local` (its local day names it), with a tracked link, and what became of it.
        @discardableResult
        func message(_ campaign: String, _ customer: String, variant: String = "a", at local: String, outcome: MessageStatus,
                     deliveredAt: String? = nil) throws -> MessageKey {
            let sendAt = Outer.instant(local)
            let key = MessageKey(campaign: campaign, wave: 0, customer: customer, localDate: LocalDate(sendAt, in: Outer.zone))
            let token = String("\(campaign.prefix(1))\(customer)\(key.localDate.day)xxxxxxx".prefix(7))
            let link = TrackedLink(token: token, target: "https://shop.example/", url: "https://m.brand.cn/" + token, scope: .perMessage,
                                   expiresAt: sendAt.addingTimeInterval(86_400 * 60))
            let planned = PlannedMessage(key: key, category: .marketing, phone: "+8613800138000", channel: "sms", text: "回来看看 \(link.url)",
                                         variant: variant, sendAt: sendAt, validUntil: sendAt.addingTimeInterval(7200), reason: campaign, links: [link])
            #expect(try store.schedule([planned], at: sendAt).count == 1)
            try store.markPending([key], at: sendAt)
            try store.record([DispatchOutcome(key: key, status: outcome == .failed ? .failed : .sent, providerID: "p-\(token)", channel: "sms")],
                             at: sendAt)
            if outcome == .delivered || outcome == .undelivered {
                _ = try store.apply(DeliveryReport(channel: "sms", key: key, status: outcome, at: Outer.instant(deliveredAt ?? local)))
            }
            return key
        }

        func click(_ key: MessageKey, at local: String, bot: LinkClick.BotReason? = nil) throws {
            let token = try #require(try store.linkTokens(of: key)["https://shop.example/"])
            _ = try store.recordClicks([LinkClick(token: token, at: Outer.instant(local), method: .get, userAgent: bot == nil ? "iPhone" : "WhatsApp/2", bot: bot)])
        }
    }

    @Test("credited: last delivered message in the window, click vs view; not credited: failed, undelivered, sent without report, outside the window")
    func creditedAndNot() throws {
        let world = try World()
        #expect(try world.drop("customer_id,name,phone\nC1,王芳,13800138000\nC2,李雷,13800138001\nC3,韩梅梅,13800138002\nC4,张伟,13800138003\n",
                               as: "members.csv").kind == .imported)
        // C1: winback delivered and clicked by a person, birthday delivered (a link preview opened it).
        let c1Winback = try world.message("winback", "C1", at: "2026-11-10 10:00", outcome: .delivered, deliveredAt: "2026-11-10 10:01")
        try world.click(c1Winback, at: "2026-11-10 12:00")
        let c1Birthday = try world.message("birthday", "C1", variant: "b", at: "2026-11-15 09:00", outcome: .delivered)
        try world.click(c1Birthday, at: "2026-11-15 09:00", bot: .tooSoon)
        // C2: failed, then undelivered: nothing reached the phone.
        try world.message("winback", "C2", at: "2026-11-10 10:00", outcome: .failed)
        try world.message("winback", "C2", at: "2026-11-12 10:00", outcome: .undelivered)
        // C3: delivered on the 5th (its window closes on the 12th), then sent on the 18th with no report yet.
        try world.message("winback", "C3", at: "2026-11-05 10:00", outcome: .delivered)
        let c3Late = try world.message("winback", "C3", variant: "b", at: "2026-11-18 10:00", outcome: .sent)
        let outcome = try world.drop("""
            customer_id,occurred_at,kind,amount
            C1,2026-11-11 20:00,order,100
            C1,2026-11-12 20:00,order,50
            C1,2026-11-16 20:00,order,30
            C2,2026-11-13 20:00,order,70
            C3,2026-11-13 10:00,order,40
            C3,2026-11-19 10:00,order,60
            C4,2026-11-19 10:00,order,90

            """, as: "orders-2026-11-23.csv")
        #expect(outcome.kind == .imported && outcome.rows == 7 && outcome.rejectedRows == 0)

        let first = try world.store.attributeConversions(in: Self.november, windows: Self.windows)
        // C1's three orders to winback (the first counted), the third also birthday's (counted: its own message).
        #expect(first.credits == 4)
        #expect(first.newConversions == [.init(campaign: "winback", through: .click): 1, .init(campaign: "birthday", through: .view): 1])
        #expect(first.newRevenue == ["winback": 180, "birthday": 30])
        #expect(try world.store.conversionTotals(in: Self.november) == [
            ConversionTotal(campaign: "birthday", variant: "b", clickThrough: 0, viewThrough: 1, revenue: 30),
            ConversionTotal(campaign: "winback", variant: "a", clickThrough: 1, viewThrough: 0, revenue: 180),
        ])
        // Every conversion row is kept for lift, credited or not.
        #expect(try world.store.conversions(in: Self.november).count == 7)

        // Recomputing finds the same credits: nothing new for the metrics.
        let again = try world.store.attributeConversions(in: Self.november, windows: Self.windows)
        #expect(again.credits == 4 && again.newConversions.isEmpty && again.newRevenue.isEmpty)

        // C3's delivery report comes after the conversions file: the next attribution credits the order of the 19th.
        _ = try world.store.apply(DeliveryReport(channel: "sms", key: c3Late, status: .delivered, at: Self.instant("2026-11-18 10:02")))
        let late = try world.store.attributeConversions(in: Self.november, windows: Self.windows)
        #expect(late.newConversions == [.init(campaign: "winback", through: .view): 1])
        #expect(try world.store.conversionTotals(in: Self.november).first { $0.campaign == "winback" && $0.variant == "b" }
                == ConversionTotal(campaign: "winback", variant: "b", clickThrough: 0, viewThrough: 1, revenue: 60))
        let top = try world.store.topConvertingMessages(in: Self.november, limit: 20)
        // Ranked by counted conversions, then revenue.
        #expect(top.map(\.messageKey) == [c1Winback.description, c3Late.description, c1Birthday.description])
        #expect(top.map(\.conversions) == [1, 1, 1] && top.map(\.revenue) == [180, 60, 30])
        #expect(top.first?.text.hasPrefix("回来看看 https://m.brand.cn/") == true)
        // The instants of counted conversions, for the heat map: C1's first and third, C3's second.
        #expect(try world.store.conversionTimes(in: Self.november)
                == ["2026-11-11 20:00", "2026-11-16 20:00", "2026-11-19 10:00"].map(Self.instant))
    }
}
