import BeckonCore
import BeckonStore
import Foundation
import GRDB
import Logging
import Testing
@testable import BeckonDispatch

@Suite("Budgets: enforced in the claim, against segments sent and in flight")
struct BudgetClaimTests {
    let now = pinnedNow()
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// Messages of 2 and 1 segments, alternating (a 200-character GSM text is 2 segments).
    func mixed(_ count: Int, at sendAt: Date, validFor: TimeInterval = 3600) -> [PlannedMessage] {
        (0..<count).map { index in
            var message = plannedMessage(index % 2 == 0 ? String(repeating: "a", count: 200) : "hi",
                                         customer: String(format: "C%05d", index), phone: "+86138\(String(format: "%08d", index))")
            message.sendAt = sendAt
            message.validUntil = sendAt.addingTimeInterval(validFor)
            return message
        }
    }

    func rule(_ limits: [CampaignBudget.Limit], prices: [String: Double] = [:]) -> BudgetRule {
        BudgetRule(budgets: ["spring": CampaignBudget(limits: limits)], unitPrices: prices, zone: shanghai)
    }

    /// Segments of the messages in `statuses`.
    func segments(_ store: SQLiteStore, _ statuses: [String]) throws -> Int {
        try store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(segments), 0) FROM message WHERE status IN (\(statuses.map { "'\($0)'" }.joined(separator: ",")))") ?? 0
        }
    }

    @Test("a cap of 100 segments stops at exactly 100, counting messages in flight, with two dispatchers racing")
    func hundredSegments() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-budget-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("beckon.sqlite").path
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        let all = mixed(200, at: now)
        _ = try first.schedule(all, at: now)
        let budget = rule([CampaignBudget.Limit(period: .month, unit: .segments, amount: 100)])
        // 10 messages (15 segments) claimed by a process still sending them: in flight, never answered.
        let inFlight = try first.claim(all.prefix(10).map { ClaimRequest(key: $0.key, channel: "test") }, by: "gone", at: now, under: budget)
        #expect(inFlight.claimed.count == 10 && inFlight.held.isEmpty)

        let channel = HoldingChannel(holding: false)
        func dispatcher(_ store: SQLiteStore, _ claimant: String) -> Dispatcher {
            var dispatcher = Dispatcher(ledger: store, channels: [channel],
                                        limiters: [ChannelLimiter(channel: "test", rate: nil, concurrency: 8, wallClock: { Date() })],
                                        clock: FixedClock(now), batchSize: 20, logger: Logger(label: "test"), claimant: claimant,
                                        unitRandom: { 0.5 })
            dispatcher.budgets = budget
            return dispatcher
        }
        let a = dispatcher(first, "A"), b = dispatcher(second, "B")
        async let byA = Task.detached { var s = Dispatcher.Summary(); try await a.dispatchDue(into: &s); return s }.value
        async let byB = Task.detached { var s = Dispatcher.Summary(); try await b.dispatchDue(into: &s); return s }.value
        let (summaryA, summaryB) = try await (byA, byB)

        #expect(try segments(first, ["pending"]) == 15)
        #expect(try segments(first, ["sent"]) == 85, "sent and in flight together must be exactly the budget")
        #expect(channel.received.values.allSatisfy { $0 == 1 })
        #expect(summaryA.sent + summaryB.sent == channel.received.count)
        // The rest are held with budget_exhausted: valid for an hour, so dropped (next month is too late).
        let held = try await first.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE status = 'dropped' AND reason_code = 'budget_exhausted'") ?? 0
        }
        #expect(held == 200 - 10 - channel.received.count)
        #expect(summaryA.dropped + summaryB.dropped == held)
        let receipts = try first.receiptEvents(in: DateInterval(start: now.addingTimeInterval(-1), duration: 60))
        #expect(receipts.filter { $0.reasonCode == "budget_exhausted" && $0.status == .dropped }.count == held)
    }

    @Test("a message that no longer fits this month waits for the next month (brand zone), then goes")
    func monthRollover() throws {
        let store = try SQLiteStore()
        // 2027-01-31 23:59:00 in Shanghai, then one minute later: February in Shanghai (still January in UTC).
        let lastMinute = ISOInstant.parse("2027-01-31T23:59:00+08:00", defaultZone: shanghai)!
        let february = ISOInstant.parse("2027-02-01T00:00:00+08:00", defaultZone: shanghai)!
        let messages = mixed(6, at: lastMinute, validFor: 7 * 86_400)
        _ = try store.schedule(messages, at: lastMinute)
        let budget = rule([CampaignBudget.Limit(period: .month, unit: .segments, amount: 4)])
        let requests = messages.map { ClaimRequest(key: $0.key, channel: "test") }
        let january = try store.claim(requests, by: "A", at: lastMinute, under: budget)
        // 2 + 1 fit; the next 2 does not (3 + 2 > 4) but the 1 after it does; then nothing.
        #expect(january.claimed == [messages[0].key, messages[1].key, messages[3].key])
        #expect(january.held.map(\.key) == [messages[2].key, messages[4].key, messages[5].key])
        #expect(january.held.allSatisfy { $0.status == .deferred && $0.retryAt == february && $0.reasonCode == "budget_exhausted" })
        #expect(try store.entry(for: messages[2].key)?.message.sendAt == february)
        #expect(try store.entry(for: messages[2].key)?.status == .scheduled)
        // Answered in February: still January's spend (counted from the claim, not from the answer).
        try store.record(january.claimed.map { DispatchOutcome(key: $0, status: .sent) }, at: february.addingTimeInterval(5))
        let next = try store.claim(january.held.map { ClaimRequest(key: $0.key, channel: "test") }, by: "A", at: february, under: budget)
        // February starts empty: 2 + 2 fit its 4; the last one would wait for March, past its valid_until: dropped.
        #expect(next.claimed == [messages[2].key, messages[4].key])
        #expect(next.held.map(\.key) == [messages[5].key])
        #expect(next.held.first?.status == .dropped && next.held.first?.retryAt == nil)
        #expect(try store.budgetSpend(campaign: "spring", at: february, rule: budget).monthSegments == 4)
        #expect(try store.budgetSpend(campaign: "spring", at: lastMinute, rule: budget).monthSegments == 4)
    }

    @Test("daily and monthly limits together: the day's stops until tomorrow, the month's until next month")
    func dailyAndMonthly() throws {
        let store = try SQLiteStore()
        let day1 = ISOInstant.parse("2027-03-30T10:00:00+08:00", defaultZone: shanghai)!
        let day2 = ISOInstant.parse("2027-03-31T10:00:00+08:00", defaultZone: shanghai)!
        var messages = (0..<8).map { index in
            var message = plannedMessage("hi", customer: "C\(index)")
            message.sendAt = day1
            message.validUntil = day1.addingTimeInterval(30 * 86_400)
            return message
        }
        _ = try store.schedule(messages, at: day1)
        let budget = rule([CampaignBudget.Limit(period: .day, unit: .segments, amount: 3),
                           CampaignBudget.Limit(period: .month, unit: .segments, amount: 5)])
        let first = try store.claim(messages.map { ClaimRequest(key: $0.key, channel: "test") }, by: "A", at: day1, under: budget)
        #expect(first.claimed.count == 3)
        #expect(first.held.allSatisfy { $0.retryAt == ISOInstant.parse("2027-03-31T00:00:00+08:00", defaultZone: shanghai)! })
        messages = first.held.compactMap { held in messages.first { $0.key == held.key } }
        let second = try store.claim(messages.map { ClaimRequest(key: $0.key, channel: "test") }, by: "A", at: day2, under: budget)
        #expect(second.claimed.count == 2)
        let april = ISOInstant.parse("2027-04-01T00:00:00+08:00", defaultZone: shanghai)!
        #expect(second.held.count == 3 && second.held.allSatisfy { $0.retryAt == april })
    }

    @Test("a money budget prices each segment at the channel's unit_price: 0.10 buys two 0.045 segments")
    func moneyBudget() throws {
        let store = try SQLiteStore()
        let messages = mixed(4, at: now, validFor: 60).map { message in
            var one = message
            one.text = "hi"
            return one
        }
        _ = try store.schedule(messages, at: now)
        let budget = rule([CampaignBudget.Limit(period: .day, unit: .money, amount: 0.10)], prices: ["test": 0.045])
        let result = try store.claim(messages.map { ClaimRequest(key: $0.key, channel: "test") }, by: "A", at: now, under: budget)
        #expect(result.claimed.count == 2)
        #expect(result.held.count == 2 && result.held.allSatisfy { $0.status == .dropped })
        let spend = try store.budgetSpend(campaign: "spring", at: now, rule: budget)
        #expect(abs(spend.dayCost - 0.09) < 1e-9 && spend.daySegments == 2)
    }

    @Test("a campaign without a budget is claimed as before, beside one with a budget")
    func unbudgetedCampaign() throws {
        let store = try SQLiteStore()
        var other = plannedMessage("hi", customer: "X1")
        other.key = MessageKey(campaign: "other", wave: 1, customer: "X1", localDate: other.key.localDate)
        _ = try store.schedule([other] + mixed(2, at: other.sendAt), at: now)
        let budget = rule([CampaignBudget.Limit(period: .day, unit: .segments, amount: 0)])
        let keys = [other.key] + mixed(2, at: other.sendAt).map(\.key)
        let result = try store.claim(keys.map { ClaimRequest(key: $0, channel: "test") }, by: "A", at: now, under: budget)
        #expect(result.claimed == [other.key])
        #expect(result.held.count == 2)
    }
}
