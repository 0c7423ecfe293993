import BeckonCore
import BeckonStore
import Foundation
import Testing
@testable import BeckonDaemon

@Suite("The dispatcher's last policy check, against the store")
struct PolicyGateTests {
    static let now = ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt)!
    static let campaign = Campaign(id: "notice", name: "Notice", category: .care, trigger: .birthday(BirthdayRule()),
                                   template: try! MessageTemplate("hi"))

    static func message(_ customer: String, phone: String) -> PlannedMessage {
        PlannedMessage(key: MessageKey(campaign: "notice", wave: 0, customer: customer, localDate: LocalDate(iso: "2026-11-24")!),
                       category: .care, phone: phone, channel: "sms", text: "hi", sendAt: now,
                       validUntil: now.addingTimeInterval(3600), reason: "birthday")
    }

    @Test("unknown, inactive and opted-out customers are held with a reason; the opt-out of a number holds only that number")
    func holds() throws {
        let store = try SQLiteStore()
        var inactive = Customer(id: "C2", name: "b", phone: "+8613900139000")
        inactive.active = false
        try store.upsert([
            Customer(id: "C1", name: "a", phone: "+8613800138000"),
            inactive,
            Customer(id: "C3", name: "c", phone: "+8613700137000"),
            // Opted out on an old number: the message planned to the new one still goes.
            Customer(id: "C5", name: "e", phone: "+8613500135000"),
        ])
        try store.addSuppressions([
            Suppression(phone: "+8613700137000", source: .optOutReply, detail: "TD", at: Self.now),
            Suppression(phone: "+8613600136000", source: .optOutReply, detail: "TD", at: Self.now),
        ])
        let planner = Planner(campaigns: [Self.campaign], defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!, calendar: CalendarContext())
        let gate = PolicyGate(store: store, planner: planner, gate: SendGate(policy: planner.policy, campaigns: [Self.campaign]))

        let held = try gate.review([
            Self.message("C1", phone: "+8613800138000"),
            Self.message("C2", phone: "+8613900139000"),
            Self.message("C3", phone: "+8613700137000"),
            Self.message("C4", phone: "+8613400134000"),
            Self.message("C5", phone: "+8613500135000"),
            Self.message("C5", phone: "+8613600136000"),
        ], now: Self.now)
        let verdicts = held.map { "\($0.key.customer) \($0.status.rawValue) \($0.reasonCode ?? "")" }.sorted()
        #expect(verdicts == ["C2 suppressed customer_inactive", "C3 suppressed opted_out", "C4 dropped customer_unknown",
                             "C5 suppressed opted_out"])
    }

    @Test("caps count a message from when it went, not from its planned time a late cycle passed")
    func capsFromWhenItWent() throws {
        let store = try SQLiteStore()
        try store.upsert([Customer(id: "C1", name: "a", phone: "+8613800138000")])
        let planned = ISOInstant.parse("2026-11-23T10:05:00+08:00", defaultZone: .gmt)!
        let went = ISOInstant.parse("2026-11-23T10:20:00+08:00", defaultZone: .gmt)!
        var first = Self.message("C1", phone: "+8613800138000")
        first.key = MessageKey(campaign: "notice", wave: 0, customer: "C1", localDate: LocalDate(iso: "2026-11-23")!)
        (first.sendAt, first.validUntil) = (planned, planned.addingTimeInterval(3600))
        _ = try store.schedule([first], at: planned)
        try store.markPending([first.key], at: went)
        try store.record([DispatchOutcome(key: first.key, status: .sent, channel: "sms")], at: went)

        let planner = Planner(campaigns: [Self.campaign], defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!, calendar: CalendarContext())
        let gate = PolicyGate(store: store, planner: planner, gate: SendGate(policy: planner.policy, campaigns: [Self.campaign]))
        // 24 hours after its planned time, but not after it went: the care cap of 1 a day still holds.
        let now = ISOInstant.parse("2026-11-24T10:10:00+08:00", defaultZone: .gmt)!
        var second = Self.message("C1", phone: "+8613800138000")
        (second.sendAt, second.validUntil) = (now, now.addingTimeInterval(7200))
        _ = try store.schedule([second], at: now)
        let held = try gate.review([second], now: now)
        #expect(held.map(\.reasonCode) == ["cap_1_per_1d"])
        #expect(held.first?.retryAt == went.addingTimeInterval(86_400))
    }
}
