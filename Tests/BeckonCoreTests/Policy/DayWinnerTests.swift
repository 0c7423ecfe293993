import BeckonCore
import Foundation
import Testing

/// Which campaign wins a customer's local day: priority first over the whole day, whatever the send times.
@Suite("The day's winner")
struct DayWinnerTests {
    static let morning = T.at("2026-11-24T10:00:00+08:00")
    static let afternoon = T.at("2026-11-24T15:00:00+08:00")
    static let endOfDay = T.at("2026-11-24T21:00:00+08:00")
    static let recipient = SendGate.Recipient(id: "C1", phone: "+8613800138000", tier: nil, zone: T.shanghai)

    static func campaign(_ id: String, priority: Int, category: MessageCategory = .marketing,
                         onConflict: CampaignPolicy.OnConflict = .defer, spread: Bool = true) -> Campaign {
        var campaign = Campaign(id: id, name: id, category: category, priority: priority, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate("x"))
        campaign.policy.onConflict = onConflict
        campaign.policy.spread = spread
        return campaign
    }

    static func scheduled(_ campaign: String, at: Date, category: MessageCategory = .marketing, until: Date = endOfDay,
                          phone: String = "+8613800138000") -> CapRecord {
        CapRecord(key: T.key(campaign), category: category, at: at, status: .scheduled, validUntil: until, phone: phone)
    }

    @Test("a priority-1 message due in the morning yields to a priority-10 message scheduled for the afternoon")
    func laterHigherPriorityWins() throws {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [Self.campaign("low", priority: 1), Self.campaign("high", priority: 10)])
        let low = T.message("low", sendAt: Self.morning, validUntil: Self.endOfDay)
        let review = gate.review([low], for: Self.recipient, book: [CapRecord(low), Self.scheduled("high", at: Self.afternoon)],
                                 suppressions: [], now: Self.morning)
        let verdict = try #require(review.decided[T.key("low")])
        #expect(verdict.status == .dropped, "valid only today, so it cannot wait for tomorrow")
        #expect(verdict.reason?.code == "lower_priority")
        #expect(verdict.reason?.detail.contains("high/0/C1/2026-11-24 (priority 10, scheduled for 2026-11-24T15:00:00+08:00)") == true)
        // And the afternoon's message is announced as the winner.
        #expect(review.forecast[T.key("high")] == .send(sendAt: Self.afternoon, validUntil: Self.endOfDay))

        // At 15:00 the winner goes: the loser was dropped and no longer competes.
        let high = T.message("high", sendAt: Self.afternoon, validUntil: Self.endOfDay)
        var dropped = CapRecord(low)
        dropped.status = .dropped
        let later = gate.review([high], for: Self.recipient, book: [dropped, CapRecord(high)], suppressions: [], now: Self.afternoon)
        #expect(later.decided[T.key("high")]?.status == .scheduled)
    }

    @Test("a message that already went keeps the day's place: the later higher priority is the one held")
    func sentKeepsItsPlace() throws {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [Self.campaign("low", priority: 1), Self.campaign("high", priority: 10)])
        let high = T.message("high", sendAt: Self.afternoon, validUntil: Self.endOfDay)
        let sent = CapRecord(key: T.key("low"), category: .marketing, at: Self.morning, status: .sent)
        let verdict = try #require(gate.review([high], for: Self.recipient, book: [sent, CapRecord(high)], suppressions: [],
                                               now: Self.afternoon).decided[T.key("high")])
        #expect(verdict.reason?.code == "lower_priority")
        #expect(verdict.reason?.detail.contains("low/0/C1/2026-11-24 (priority 1, at 2026-11-24T10:00:00+08:00)") == true)
    }

    @Test("daily_limit 2: the two highest priorities of the day take the places, wherever their times fall")
    func dailyLimitTwo() {
        var policy = DeliveryPolicy(dailyLimit: 2)
        policy.caps = FrequencyCaps(rules: [:])
        let gate = SendGate(policy: policy, campaigns: [Self.campaign("p1", priority: 1), Self.campaign("p5", priority: 5),
                                                        Self.campaign("p10", priority: 10)])
        let p1 = T.message("p1", sendAt: Self.morning, validUntil: Self.endOfDay)
        let book = [CapRecord(p1), Self.scheduled("p5", at: Self.afternoon), Self.scheduled("p10", at: Self.afternoon.addingTimeInterval(3600))]
        let review = gate.review([p1], for: Self.recipient, book: book, suppressions: [], now: Self.morning)
        #expect(review.decided[T.key("p1")]?.reason?.code == "lower_priority")
        #expect(review.forecast[T.key("p5")]?.status == .scheduled)
        #expect(review.forecast[T.key("p10")]?.status == .scheduled)

        var three = policy
        three.dailyLimit = 3
        let roomy = SendGate(policy: three, campaigns: gate.campaigns.values.map { $0 })
        #expect(roomy.review([p1], for: Self.recipient, book: book, suppressions: [], now: Self.morning).decided[T.key("p1")]?.status == .scheduled)
    }

    @Test("caps count what is scheduled later that day at a higher priority")
    func capsCountScheduled() throws {
        // 1 care message a day (the default care cap) and room in the daily limit: the cap decides.
        let gate = SendGate(policy: DeliveryPolicy(dailyLimit: 5), campaigns: [Self.campaign("low", priority: 1, category: .care),
                                                                               Self.campaign("high", priority: 10, category: .care)])
        let low = T.message("low", category: .care, sendAt: Self.morning, validUntil: Self.endOfDay)
        let verdict = try #require(gate.review([low], for: Self.recipient,
                                               book: [CapRecord(low), Self.scheduled("high", at: Self.afternoon, category: .care)],
                                               suppressions: [], now: Self.morning).decided[T.key("low")])
        #expect(verdict.reason?.code == "cap_1_per_1d")
        #expect(verdict.reason?.detail.contains("high/0/C1/2026-11-24 scheduled for 2026-11-24T15:00:00+08:00") == true)
    }

    @Test("a higher priority that will not go (its number opted out, or its time passed) takes no place")
    func deadRivalsTakeNoPlace() {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [Self.campaign("low", priority: 1), Self.campaign("high", priority: 10)])
        let low = T.message("low", sendAt: Self.morning, validUntil: Self.endOfDay)
        let optedOut = Suppression(phone: "+8613900139000", source: .optOutReply, detail: "TD", at: Self.morning)
        let onOldNumber = Self.scheduled("high", at: Self.afternoon, phone: "+8613900139000")
        #expect(gate.review([low], for: Self.recipient, book: [onOldNumber], suppressions: [optedOut], now: Self.morning)
            .decided[T.key("low")]?.status == .scheduled)
        let stale = Self.scheduled("high", at: Self.morning.addingTimeInterval(-7200), until: Self.morning.addingTimeInterval(-3600))
        #expect(gate.review([low], for: Self.recipient, book: [stale], suppressions: [], now: Self.morning)
            .decided[T.key("low")]?.status == .scheduled)
    }

    @Test("the customer's whole due set is decided at once, so batches cannot change the winner")
    func wholeDueSet() {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [Self.campaign("low", priority: 1), Self.campaign("high", priority: 10)])
        let low = T.message("low", sendAt: Self.morning, validUntil: Self.endOfDay)
        // The higher priority is due too, but in another batch: it is decided here as well.
        let review = gate.review([low], for: Self.recipient, book: [CapRecord(low), Self.scheduled("high", at: Self.morning.addingTimeInterval(-60))],
                                 suppressions: [], now: Self.morning)
        #expect(review.decided[T.key("high")]?.status == .scheduled)
        #expect(review.decided[T.key("low")]?.reason?.code == "lower_priority")
    }

    @Test("a loser that may wait goes at its spread point the next day, or as the window opens with spread: false", arguments: [true, false])
    func loserDeferral(spread: Bool) throws {
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [Self.campaign("low", priority: 1, spread: spread),
                                                                 Self.campaign("high", priority: 10)])
        let week = T.at("2026-12-01T00:00:00+08:00")
        let low = T.message("low", sendAt: Self.morning, validUntil: week)
        let verdict = try #require(gate.review([low], for: Self.recipient, book: [Self.scheduled("high", at: Self.afternoon)],
                                               suppressions: [], now: Self.morning).decided[T.key("low")])
        guard case .deferred(let until, let reason) = verdict else {
            Issue.record("expected a deferral, got \(verdict)")
            return
        }
        #expect(reason.code == "lower_priority")
        let timing = DeliveryPolicy().timing(for: Self.campaign("low", priority: 1, spread: spread))
        guard case .send(let expected, _) = timing.schedule(for: T.dayOccurrence("2026-11-25"), key: T.key("low"), zone: T.shanghai) else {
            Issue.record("no send time on 2026-11-25")
            return
        }
        #expect(until == expected)
        if !spread { #expect(until == T.at("2026-11-25T09:00:00+08:00")) }
    }

    @Test("a late wake-up that finds the higher priority outside its window until this evening keeps the day for it")
    func windowClosedUntilLaterToday() throws {
        // The high priority may go 08:00-09:00 or 21:00-22:00 (its 21:00-09:00 window less the quiet hours).
        var high = Self.campaign("high", priority: 10)
        high.policy.window = TimeWindow(start: LocalTime(hour: 21, minute: 0), end: LocalTime(hour: 9, minute: 0))
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [Self.campaign("low", priority: 1), high])
        let midnight = T.at("2026-11-24T23:59:00+08:00")
        let highMessage = T.message("high", sendAt: T.at("2026-11-24T08:30:00+08:00"), validUntil: midnight)
        let lowMessage = T.message("low", sendAt: T.at("2026-11-24T08:31:00+08:00"), validUntil: midnight)
        // Both were due at 08:30; the daemon woke at 09:20, when the morning slot had just closed.
        let lateWakeUp = T.at("2026-11-24T09:20:00+08:00")
        let review = gate.review([highMessage, lowMessage], for: Self.recipient, book: [CapRecord(highMessage), CapRecord(lowMessage)],
                                 suppressions: [], now: lateWakeUp)
        let evening = T.at("2026-11-24T21:00:00+08:00")
        #expect(review.decided[T.key("high")] == .deferred(until: evening, .init("outside_window", "it is 2026-11-24T09:20:00+08:00 for the customer, outside 08:00-09:00, 21:00-22:00")))
        let low = try #require(review.decided[T.key("low")])
        #expect(low.status == .dropped, "valid only today, it cannot wait for tomorrow")
        #expect(low.reason?.detail.contains("high/0/C1/2026-11-24 (priority 10, scheduled for 2026-11-24T21:00:00+08:00)") == true)

        // Had the evening slot been closed too (valid only until 20:00), the day is the low priority's.
        let shortLived = T.message("high", sendAt: highMessage.sendAt, validUntil: T.at("2026-11-24T20:00:00+08:00"))
        let alone = gate.review([shortLived, lowMessage], for: Self.recipient, book: [CapRecord(shortLived), CapRecord(lowMessage)],
                                suppressions: [], now: lateWakeUp)
        #expect(alone.decided[T.key("high")]?.status == .expired)
        #expect(alone.decided[T.key("low")]?.status == .scheduled)
    }
}
