import BeckonCore
import Foundation
import Testing

@Suite("Frequency caps, daily priority, consent and suppression")
struct CapsAndConsentTests {
    static let now = T.at("2026-11-24T10:00:00+08:00")

    func sent(_ campaign: String, daysAgo: Double, category: MessageCategory = .marketing) -> CapRecord {
        CapRecord(key: MessageKey(campaign: campaign, wave: 0, customer: "C1", localDate: T.day("2026-11-24").adding(days: -Int(daysAgo))),
                  category: category,
                  at: Self.now.addingTimeInterval(-daysAgo * 86_400), status: .sent)
    }

    @Test("2 marketing messages in 7 days fill the default cap, naming the earlier two")
    func defaultCap() throws {
        let caps = FrequencyCaps()
        let history = [sent("a", daysAgo: 6), sent("b", daysAgo: 2)]
        let violation = try #require(caps.violation(category: .marketing, tier: nil, history: history, at: Self.now))
        #expect(violation.rule == CapRule(max: 2, days: 7))
        #expect(violation.earlier.map(\.key.campaign) == ["a", "b"])
        // One of them older than 7 days: allowed.
        #expect(caps.violation(category: .marketing, tier: nil, history: [sent("a", daysAgo: 8), sent("b", daysAgo: 2)], at: Self.now) == nil)
    }

    @Test("4 in 30 days is the second rule")
    func monthlyCap() throws {
        let history = [sent("a", daysAgo: 25), sent("b", daysAgo: 18), sent("c", daysAgo: 12), sent("d", daysAgo: 1)]
        let violation = try #require(FrequencyCaps().violation(category: .marketing, tier: nil, history: history, at: Self.now))
        #expect(violation.rule.code == "cap_4_per_30d")
    }

    @Test("a tier override replaces the category's rules; transactional is never capped")
    func tierOverride() {
        let caps = FrequencyCaps(tierRules: ["vip": [.care: [CapRule(max: 5, days: 7)]]])
        let history = (2...5).map { sent("c\($0)", daysAgo: Double($0), category: .care) }
        #expect(caps.violation(category: .care, tier: nil, history: history, at: Self.now) != nil)
        #expect(caps.violation(category: .care, tier: "vip", history: history, at: Self.now) == nil)
        #expect(caps.rules(for: .transactional, tier: nil).isEmpty)
    }

    func campaign(_ id: String, priority: Int, exempt: Bool = false, counts: Bool = true, onConflict: CampaignPolicy.OnConflict = .defer) -> Campaign {
        var campaign = Campaign(id: id, name: id, priority: priority, trigger: .birthday(BirthdayRule()), template: try! MessageTemplate("x"))
        campaign.policy.exemptFromCaps = exempt
        campaign.policy.countsTowardCaps = counts
        campaign.policy.onConflict = onConflict
        return campaign
    }

    static let recipient = SendGate.Recipient(id: "C1", phone: "+8613800138000", tier: nil, zone: T.shanghai)

    func review(_ gate: SendGate, _ due: [PlannedMessage], book: [CapRecord] = []) -> [MessageKey: PolicyVerdict] {
        gate.review(due, for: Self.recipient, book: book, suppressions: [], now: Self.now).decided
    }

    @Test("when two campaigns are due on one day, the higher priority wins and the other is deferred to the next day")
    func priority() throws {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [campaign("low", priority: 1), campaign("high", priority: 9)])
        let until = T.at("2026-11-27T00:00:00+08:00")
        let verdicts = review(gate, [T.message("low", sendAt: Self.now, validUntil: until), T.message("high", sendAt: Self.now, validUntil: until)])
        #expect(verdicts[T.key("high")] == .send(sendAt: Self.now, validUntil: until))
        let low = try #require(verdicts[T.key("low")])
        #expect(low.status == .deferred)
        if case .deferred(let when, let reason) = low {
            // Its spread point inside the next day's window (09:00-21:00), not midnight.
            #expect(when >= T.at("2026-11-25T09:00:00+08:00") && when < T.at("2026-11-25T21:00:00+08:00"))
            #expect(reason.code == "lower_priority")
            #expect(reason.detail.contains("high/0/C1/2026-11-24"))
        }
    }

    @Test("a loser that cannot wait (a birthday, valid only today) or whose campaign says drop is dropped")
    func priorityDrop() {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [campaign("low", priority: 1), campaign("high", priority: 9),
                                                                 campaign("dropper", priority: 2, onConflict: .drop)])
        let today = T.at("2026-11-25T00:00:00+08:00")
        let verdicts = review(gate, [T.message("low", sendAt: Self.now, validUntil: today), T.message("high", sendAt: Self.now, validUntil: today)])
        #expect(verdicts[T.key("low")]?.status == .dropped)
        let later = T.at("2026-12-25T00:00:00+08:00")
        let dropper = review(gate, [T.message("dropper", sendAt: Self.now, validUntil: later), T.message("high", sendAt: Self.now, validUntil: later)])
        #expect(dropper[T.key("dropper")]?.status == .dropped)
        #expect(dropper[T.key("dropper")]?.reason?.code == "lower_priority")
    }

    @Test("an exempt campaign goes despite full caps; one that does not count leaves room for others")
    func exemptions() {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [campaign("exempt", priority: 0, exempt: true),
                                                                 campaign("quiet", priority: 5, counts: false),
                                                                 campaign("normal", priority: 1)])
        let until = T.at("2026-11-30T00:00:00+08:00")
        let exempt = review(gate, [T.message("exempt", sendAt: Self.now, validUntil: until)], book: [sent("a", daysAgo: 6), sent("b", daysAgo: 2)])
        #expect(exempt[T.key("exempt")]?.status == .scheduled)

        let both = review(gate, [T.message("quiet", sendAt: Self.now, validUntil: until), T.message("normal", sendAt: Self.now, validUntil: until)])
        #expect(both[T.key("quiet")]?.status == .scheduled)
        #expect(both[T.key("normal")]?.status == .scheduled)
    }

    @Test("a capped message waits until the oldest counted message leaves the rolling window")
    func capDeferral() throws {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [campaign("next", priority: 0)])
        let until = T.at("2026-12-10T00:00:00+08:00")
        let verdict = try #require(review(gate, [T.message("next", sendAt: Self.now, validUntil: until)],
                                          book: [sent("a", daysAgo: 6), sent("b", daysAgo: 2)])[T.key("next")])
        #expect(verdict == .deferred(until: Self.now.addingTimeInterval(86_400), verdict.reason!))
        #expect(verdict.reason?.code == "cap_2_per_7d")
        #expect(verdict.reason?.detail.contains("a/0/C1/2026-11-18") == true)
    }

    @Test("consent: the customer's own answer wins, then the default; transactional ignores marketing opt-outs")
    func consent() {
        var customer = T.customer()
        let policy = ConsentPolicy(defaults: ["marketing": true, "beauty": false])
        #expect(policy.missingConsent(customer: customer, category: .marketing, brandCategory: nil) == nil)
        #expect(policy.missingConsent(customer: customer, category: .marketing, brandCategory: "beauty") == "beauty")
        customer.consents = ["marketing": false, "beauty": true]
        #expect(policy.missingConsent(customer: customer, category: .marketing, brandCategory: "beauty") == "marketing")
        #expect(policy.missingConsent(customer: customer, category: .transactional, brandCategory: nil) == nil)
    }

    @Test("suppression by customer or by the same number; a full opt-out stops even transactional messages", arguments: [
        (Suppression(customerID: "C1", source: .optOutReply, detail: "TD", at: .distantPast), MessageCategory.marketing, true),
        (Suppression(phone: "+8613800138000", source: .optOutReply, detail: "TD", at: .distantPast), .marketing, true),
        (Suppression(phone: "+8613999999999", source: .hardFailure, detail: "invalid", at: .distantPast), .marketing, false),
        (Suppression(customerID: "C1", source: .optOutReply, detail: "TD", at: .distantPast), .transactional, true),
        (Suppression(customerID: "C1", category: "marketing", source: .optOutReply, detail: "TD", at: .distantPast), .transactional, false),
        (Suppression(customerID: "C1", category: "marketing", source: .optOutReply, detail: "TD", at: .distantPast), .marketing, true),
        (Suppression(customerID: "C1", category: "beauty", source: .optOutReply, detail: "stop beauty", at: .distantPast), .care, false),
        (Suppression(customerID: "C2", source: .blockList, detail: "ops", at: .distantPast), .marketing, false),
    ])
    func suppression(_ suppression: Suppression, category: MessageCategory, blocks: Bool) {
        let found = SuppressionRule.blocking([suppression], customer: T.customer(), category: category, brandCategory: nil, at: .distantPast)
        #expect((found != nil) == blocks)
    }

    @Test("time zone from the phone's country when the file has none", arguments: [
        ("+8613800138000", "Asia/Shanghai"), ("+85291234567", "Asia/Hong_Kong"), ("+447911123456", "Europe/London"),
        ("+12125551234", nil),
    ])
    func phoneZones(phone: String, zone: String?) {
        #expect(PhoneCountryZone.zone(forE164: phone)?.identifier == zone)
    }
}
