import BeckonCore
import Foundation
import Testing

@Suite("Audiences and lifecycle stages")
struct AudienceRuleTests {
    static let now = ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt)!

    static let customer: Customer = {
        var c = Customer(id: "C1", name: "王芳", phone: "+8613800138000", tier: "gold", tags: ["mother-and-baby", "vip-club"],
                         attributes: ["city": "上海"], lastOrderAt: now.addingTimeInterval(-45 * 86_400), orderCount: 5, totalSpend: 1280.5)
        c.timeZone = "Asia/Shanghai"
        return c
    }()

    @Test("conditions over fields, tags, attributes and behaviour", arguments: [
        ("tier in [gold, vip]", true), ("tier in [silver]", false), ("tier = GOLD", true), ("tier != gold", false),
        ("tier not in [silver, bronze]", true), ("tags contains mother-and-baby", true), ("tags not contains vip-club", false),
        ("city = 上海", true), ("city = \"北京\"", false), ("days_since_last_order > 30", true), ("days_since_last_order >= 46", false),
        ("order_count >= 3", true), ("total_spend < 1000", false), ("total_spend >= 1280.5", true), ("lifecycle = cooling", true),
        ("lifecycle in [at_risk, dormant]", false), ("unknown_column = x", false),
    ])
    func conditions(text: String, holds: Bool) throws {
        let rule = AudienceRule(conditions: [try AudienceRule.parse(text)])
        #expect((rule.exclusion(of: Self.customer, in: .init(now: Self.now)) == nil) == holds)
    }

    @Test("all conditions must hold; the first failure says what the customer had")
    func firstFailure() throws {
        let rule = AudienceRule(conditions: [try AudienceRule.parse("order_count >= 3"), try AudienceRule.parse("tier in [vip]")])
        #expect(rule.exclusion(of: Self.customer, in: .init(now: Self.now)) == "tier in [vip] (tier is gold)")
    }

    @Test("a customer who never ordered is in no numeric audience and is lapsed")
    func neverOrdered() throws {
        let newcomer = Customer(id: "C2", name: "n", phone: "+8613900139000")
        #expect(AudienceRule(conditions: [try AudienceRule.parse("days_since_last_order < 10")]).exclusion(of: newcomer, in: .init(now: Self.now)) != nil)
        #expect(LifecycleStage.of(newcomer, at: Self.now) == .lapsed)
    }

    @Test("lifecycle stages by days since the last order", arguments: [(10, "active"), (45, "cooling"), (100, "at_risk"), (200, "dormant"), (400, "lapsed")])
    func stages(days: Double, stage: String) {
        var customer = Self.customer
        customer.lastOrderAt = Self.now.addingTimeInterval(-days * 86_400)
        #expect(LifecycleStage.of(customer, at: Self.now).rawValue == stage)
    }

    @Test("malformed conditions say where and why", arguments: [
        ("tier gold", "no operator"), ("tier in gold", "needs a list"), ("order_count > many", "compares numbers"),
        ("tier in [gold", "must end with ]"), ("= gold", "expected a field name"),
    ])
    func malformed(text: String, reason: String) {
        do {
            _ = try AudienceRule.parse(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.reason.contains(reason))
        }
    }

    @Test("the planner leaves customers outside the audience without a message or a receipt")
    func planner() throws {
        var campaign = Campaign(id: "vip", name: "vip", trigger: .birthday(BirthdayRule()), template: try MessageTemplate("hi"))
        campaign.audience = AudienceRule(conditions: [try AudienceRule.parse("tier in [vip]")])
        var customer = Self.customer
        customer.birthday = LocalDate(iso: "1990-11-24")
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let planner = Planner(campaigns: [campaign], defaultTimeZone: zone, calendar: CalendarContext())
        let result = planner.plan(customers: [customer], window: DateInterval(start: Self.now, end: Self.now), now: Self.now)
        #expect(result.messages.isEmpty)
        #expect(result.decisions.first?.verdict.reason?.code == "not_in_audience")
        #expect(result.decisions.first?.message == nil)
    }
}

@Suite("Catching up after downtime")
struct CatchUpTests {
    @Test("an hourly campaign missed for three hours sends only the latest occurrence; the others are dropped as superseded")
    func latestOnly() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        var campaign = Campaign(id: "hourly", name: "hourly", category: .transactional,
                                trigger: .cron(CronRule(expression: try CronExpression("0 * * * *"))), template: try MessageTemplate("hi"))
        campaign.policy.window = TimeWindow(parsing: "00:00-23:59")!
        campaign.policy.spread = false
        let customer = Customer(id: "C1", name: "n", phone: "+8613800138000")
        let now = ISOInstant.parse("2026-11-24T13:30:00+08:00", defaultZone: zone)!
        let planner = Planner(campaigns: [campaign], defaultTimeZone: zone, calendar: CalendarContext(),
                              policy: DeliveryPolicy(defaultQuietHours: nil))
        let result = planner.plan(customers: [customer], window: DateInterval(start: now.addingTimeInterval(-3 * 3600), end: now), now: now)
        #expect(result.messages.count == 1)
        #expect(result.messages.first?.sendAt == ISOInstant.parse("2026-11-24T13:00:00+08:00", defaultZone: zone))
        #expect(result.decisions.map { $0.verdict.reason?.code } == ["superseded", "superseded"])
        #expect(result.decisions.allSatisfy { $0.message != nil })  // recorded with a receipt
    }
}
