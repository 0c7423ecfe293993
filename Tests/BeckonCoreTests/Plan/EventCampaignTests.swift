import BeckonCore
import Foundation
import Testing

/// Event campaigns: cancelling events checked up to the send, the newest of several occurrences goes.
@Suite("Event campaigns: cancellation and superseding")
struct EventCampaignTests {
    static func cartCampaign(delayHours: Double = 3, window: String = "09:00-21:00") -> Campaign {
        var campaign = Campaign(id: "cart", name: "cart", trigger: .event(EventRule(event: "cart_abandoned", delay: delayHours * 3600,
                                                                                    cancelledBy: ["purchase"])),
                                template: try! MessageTemplate("{{name}}，{{product}}还在购物车里"))
        campaign.policy.window = T.window(window)
        return campaign
    }

    static func customer(carts: [String], arrivedSincePlanning: Bool = false, purchase: String? = nil) -> Customer {
        var customer = T.customer()
        customer.events = carts.map {
            CustomerEvent(customerID: "C1", name: "cart_abandoned", at: T.at($0), attributes: ["product": "围巾"],
                          arrivedSincePlanning: arrivedSincePlanning)
        }
        if let purchase { customer.latestCancellingEvents = ["purchase": T.at(purchase)] }
        return customer
    }

    static func planner(_ campaigns: [Campaign] = [cartCampaign()]) -> Planner {
        Planner(campaigns: campaigns, defaultTimeZone: T.shanghai, calendar: CalendarContext())
    }

    @Test("a purchase after the cart, by the time of planning, drops the reminder as cancelled, with a message for its receipt")
    func cancelledAtPlanning() throws {
        let window = DateInterval(start: T.at("2026-11-24T12:00:00+08:00"), end: T.at("2026-11-24T13:30:00+08:00"))
        let bought = Self.planner().plan(customers: [Self.customer(carts: ["2026-11-24T10:00:00+08:00"], purchase: "2026-11-24T10:40:00+08:00")],
                                         window: window, now: window.end)
        #expect(bought.messages.isEmpty)
        let decision = try #require(bought.decisions.first)
        #expect(decision.verdict.reason?.code == "cancelled")
        #expect(decision.verdict.reason?.detail.contains("purchase at 2026-11-24T10:40:00+08:00") == true)
        #expect(decision.message != nil, "recorded, so the event has its receipt")
        // A purchase before the cart is an earlier visit: it cancels nothing.
        let earlier = Self.planner().plan(customers: [Self.customer(carts: ["2026-11-24T10:00:00+08:00"], purchase: "2026-11-24T09:00:00+08:00")],
                                          window: window, now: window.end)
        #expect(earlier.messages.count == 1)
        #expect(earlier.messages.first?.triggeredAt == T.at("2026-11-24T10:00:00+08:00"))
    }

    @Test("two carts the same day are two keys: the newest goes, the older is dropped as superseded")
    func twoCartsTwoKeys() throws {
        let window = DateInterval(start: T.at("2026-11-24T12:00:00+08:00"), end: T.at("2026-11-24T14:00:00+08:00"))
        let result = Self.planner().plan(customers: [Self.customer(carts: ["2026-11-24T10:00:00+08:00", "2026-11-24T10:20:00+08:00"])],
                                         window: window, now: window.end)
        #expect(result.messages.map(\.sendAt) == [T.at("2026-11-24T13:20:00+08:00")])
        let superseded = try #require(result.decisions.first)
        #expect(superseded.verdict.reason?.code == "superseded")
        #expect(superseded.message?.key != result.messages.first?.key)
    }

    @Test("a late event still valid is sent as it would have been; one past its validity is expired, with a receipt")
    func lateEvents() throws {
        // A cart at 07:00 due 10:00, in a file taken at 11:05 after a cycle at 10:05.
        let window = DateInterval(start: T.at("2026-11-24T10:05:00+08:00"), end: T.at("2026-11-24T11:05:00+08:00"))
        let late = Self.planner().plan(customers: [Self.customer(carts: ["2026-11-24T07:00:00+08:00"], arrivedSincePlanning: true)],
                                       window: window, now: window.end)
        #expect(late.messages.count == 1)
        #expect(late.messages.first?.key.localDate == T.day("2026-11-24"))
        // Yesterday's cart, due yesterday at 10:00 and valid until yesterday's window closed: expired.
        let stale = Self.planner().plan(customers: [Self.customer(carts: ["2026-11-23T07:00:00+08:00"], arrivedSincePlanning: true)],
                                        window: window, now: window.end)
        #expect(stale.messages.isEmpty)
        #expect(stale.decisions.first?.verdict.status == .expired)
        #expect(stale.decisions.first?.message != nil)
    }

    static let recipient = SendGate.Recipient(id: "C1", phone: "+8613800138000", tier: nil, zone: T.shanghai)

    static func waiting(cart: String, sendAt: String, until: String = "2026-11-25T21:00:00+08:00") -> PlannedMessage {
        let fire = T.at(cart).addingTimeInterval(3 * 3600)
        let day = LocalDate(fire, in: T.shanghai)
        return PlannedMessage(key: MessageKey(campaign: "cart", wave: Int(fire.timeIntervalSince(day.start(in: T.shanghai))), customer: "C1",
                                              localDate: day),
                              category: .marketing, phone: "+8613800138000", channel: "outbox", text: "x",
                              sendAt: T.at(sendAt), validUntil: T.at(until), reason: "cart", triggeredAt: T.at(cart))
    }

    @Test("a reminder deferred past quiet hours is cancelled at the send by a purchase that arrived while it waited")
    func cancelledAtTheSend() throws {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [Self.cartCampaign()])
        // A cart at 20:30 due 23:30, deferred to 09:00; the customer bought at 07:00.
        let reminder = Self.waiting(cart: "2026-11-24T20:30:00+08:00", sendAt: "2026-11-25T09:00:00+08:00")
        var recipient = Self.recipient
        recipient.latestCancellingEvents = ["purchase": T.at("2026-11-25T07:00:00+08:00")]
        let now = T.at("2026-11-25T09:00:00+08:00")
        let verdict = try #require(gate.review([reminder], for: recipient, book: [CapRecord(reminder)], suppressions: [], now: now)
            .decided[reminder.key])
        #expect(verdict.status == .dropped)
        #expect(verdict.reason?.code == "cancelled")
        // Without the purchase it goes.
        #expect(gate.review([reminder], for: Self.recipient, book: [CapRecord(reminder)], suppressions: [], now: now)
            .decided[reminder.key]?.status == .scheduled)
        // A purchase with a time still to come (a clock ahead in the export) cancels nothing yet.
        recipient.latestCancellingEvents = ["purchase": T.at("2026-11-25T10:00:00+08:00")]
        #expect(gate.review([reminder], for: recipient, book: [CapRecord(reminder)], suppressions: [], now: now)
            .decided[reminder.key]?.status == .scheduled)
    }

    @Test("an older reminder still waiting is superseded by a newer one of the campaign, planned or already sent")
    func supersededAtTheSend() throws {
        let gate = SendGate(policy: DeliveryPolicy(dailyLimit: 3), campaigns: [Self.cartCampaign()])
        let older = Self.waiting(cart: "2026-11-24T20:30:00+08:00", sendAt: "2026-11-25T09:00:00+08:00")
        let newer = Self.waiting(cart: "2026-11-24T20:50:00+08:00", sendAt: "2026-11-25T09:00:00+08:00")
        let now = T.at("2026-11-25T09:00:00+08:00")
        let review = gate.review([older, newer], for: Self.recipient, book: [CapRecord(older), CapRecord(newer)], suppressions: [], now: now)
        #expect(review.decided[older.key]?.reason?.code == "superseded")
        #expect(review.decided[older.key]?.reason?.detail.contains(newer.key.description) == true)
        #expect(review.decided[newer.key]?.status == .scheduled)
        // An older cart that arrived late, after the newer one's reminder went: superseded too.
        var sent = CapRecord(newer)
        sent.status = .sent
        #expect(gate.review([older], for: Self.recipient, book: [sent, CapRecord(older)], suppressions: [], now: now)
            .decided[older.key]?.reason?.code == "superseded")
    }

    @Test("recall waves with cancelled_by: a purchase after the last order stops the waves still to come; one before it does not")
    func wavesCancelled() throws {
        var campaign = Campaign(id: "recall", name: "recall",
                                trigger: .dateOffset(DateOffsetRule(field: "last_order_at", baseOffsetDays: 90, offsets: [7, 15, 30],
                                                                    cancelledBy: ["purchase"])),
                                template: try! MessageTemplate("{{name}}"))
        campaign.policy.window = T.window("09:00-21:00")
        var customer = T.customer()
        customer.lastOrderAt = T.at("2026-08-01T12:00:00+08:00")
        // Lapsed on 2026-10-30; the second wave is on 2026-11-14.
        let day = T.day("2026-11-14")
        let window = DateInterval(start: day.start(in: T.shanghai), end: day.start(in: T.shanghai).addingTimeInterval(3600))
        let planner = Self.planner([campaign])
        let plain = planner.plan(customers: [customer], window: window, now: window.end)
        #expect(plain.messages.map(\.key.wave) == [2])
        #expect(plain.messages.first?.triggeredAt == customer.lastOrderAt)

        customer.latestCancellingEvents = ["purchase": T.at("2026-11-10T15:00:00+08:00")]
        let bought = planner.plan(customers: [customer], window: window, now: window.end)
        #expect(bought.messages.isEmpty)
        #expect(bought.decisions.first?.verdict.reason?.code == "cancelled")

        customer.latestCancellingEvents = ["purchase": T.at("2026-08-01T12:00:00+08:00")]
        #expect(planner.plan(customers: [customer], window: window, now: window.end).messages.count == 1,
                "the purchase that is the last order itself cancels nothing")
    }
}
