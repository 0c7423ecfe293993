import BeckonCore
import Foundation
import Testing

@Suite("RFM scores and segments")
struct RFMTests {
    static let now = ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt)!

    /// Ten customers: the i-th ordered i days ago, i times, spending 100 x i.
    static let population: [Customer] = (1...10).map { i in
        Customer(id: "C\(i)", name: "n", phone: "+86138001380\(String(format: "%02d", i))",
                 lastOrderAt: now.addingTimeInterval(-Double(i) * 86_400), orderCount: i, totalSpend: Double(i) * 100)
    }

    static func breakpoints(_ customers: [Customer]) -> RFMBreakpoints {
        RFMBreakpoints(lastOrders: customers.map { $0.lastOrderAt?.timeIntervalSince1970 },
                       orderCounts: customers.map { Double($0.orderCount) }, spends: customers.map(\.totalSpend), computedAt: now)
    }

    @Test("quintiles: two customers per score over ten; recent, frequent and big spenders score 5", arguments: [
        (1, 5, 1, 1), (2, 5, 1, 1), (3, 4, 2, 2), (4, 4, 2, 2), (5, 3, 3, 3), (6, 3, 3, 3), (7, 2, 4, 4), (8, 2, 4, 4), (9, 1, 5, 5), (10, 1, 5, 5),
    ])
    func quintiles(index: Int, r: Int, f: Int, m: Int) {
        let score = Self.breakpoints(Self.population).score(Self.population[index - 1])
        #expect(score == RFMScore(recency: r, frequency: f, monetary: m))
    }

    @Test("ties score alike, and customers who never ordered have the lowest recency")
    func ties() {
        var customers = (1...6).map { Customer(id: "N\($0)", name: "n", phone: "+8613900139000") }  // never ordered
        customers += Self.population.prefix(4)
        let breakpoints = Self.breakpoints(customers)
        let never = breakpoints.score(customers[0])
        #expect(never == RFMScore(recency: 1, frequency: 1, monetary: 1))
        #expect(customers.prefix(6).allSatisfy { breakpoints.score($0) == never })
        // The four who ordered are above every boundary that the six zeros fill.
        #expect(breakpoints.score(customers[9]).frequency > 1)
        #expect(breakpoints.score(customers[6]).recency == 5)
    }

    @Test("no customers: everyone scores 1, nothing crashes")
    func empty() {
        let breakpoints = RFMBreakpoints(lastOrders: [], orderCounts: [], spends: [], computedAt: Self.now)
        #expect(breakpoints.score(Self.population[0]) == RFMScore(recency: 1, frequency: 1, monetary: 1))
    }

    @Test("segment definitions", arguments: [
        ("R 1-2", RFMScore(recency: 2, frequency: 5, monetary: 5), true),
        ("R 1-2", RFMScore(recency: 3, frequency: 1, monetary: 1), false),
        ("F 4-5 and M 4-5", RFMScore(recency: 1, frequency: 4, monetary: 5), true),
        ("F 4-5 and M 4-5", RFMScore(recency: 5, frequency: 5, monetary: 3), false),
        ("r5 and f 3-5", RFMScore(recency: 5, frequency: 3, monetary: 1), true),
    ])
    func segments(text: String, score: RFMScore, contains: Bool) throws {
        #expect(try RFMSegment(name: "s", parsing: text).contains(score) == contains)
    }

    @Test("malformed segments are refused with the reason", arguments: [
        ("X 1-2", "must start with R, F or M"), ("R 0-2", "within 1-5"), ("R 3-1", "within 1-5"), ("R 1-6", "within 1-5"),
        ("R 1-2 and R 4", "appears twice"), ("R", "within 1-5"),
    ])
    func malformed(text: String, reason: String) {
        #expect { try RFMSegment(name: "s", parsing: text) } throws: { ($0 as? RFMSegmentError)?.reason.contains(reason) == true }
    }

    @Test("audiences by segment and by score; unscored customers are in no segment")
    func audiences() throws {
        let breakpoints = Self.breakpoints(Self.population)
        let context = AudienceRule.Context(now: Self.now, segments: [
            try RFMSegment(name: "churn-risk", parsing: "R 1-2"), try RFMSegment(name: "high-potential", parsing: "F 4-5 and M 4-5"),
        ])
        var lapsing = Self.population[9]
        lapsing.rfm = breakpoints.score(lapsing)
        var fresh = Self.population[0]
        fresh.rfm = breakpoints.score(fresh)
        let churn = AudienceRule(conditions: [try AudienceRule.parse("segment = churn-risk")])
        #expect(churn.exclusion(of: lapsing, in: context) == nil)
        #expect(churn.exclusion(of: fresh, in: context) == "segment = churn-risk (segment is empty)")
        // Segments overlap: the lapsing big spender is in both.
        #expect(AudienceRule(conditions: [try AudienceRule.parse("segment in [high-potential]")]).exclusion(of: lapsing, in: context) == nil)
        #expect(AudienceRule(conditions: [try AudienceRule.parse("rfm_m >= 4")]).exclusion(of: lapsing, in: context) == nil)
        #expect(AudienceRule(conditions: [try AudienceRule.parse("rfm_r > 2")]).exclusion(of: lapsing, in: context) == "rfm_r > 2 (rfm_r is 1)")
        var unscored = Self.population[9]
        unscored.rfm = nil
        #expect(churn.exclusion(of: unscored, in: context) != nil)
        #expect(AudienceRule(conditions: [try AudienceRule.parse("rfm_r <= 5")]).exclusion(of: unscored, in: context) == "rfm_r <= 5 (rfm_r is not scored yet)")
    }
}

@Suite("When the RFM boundaries are recomputed")
struct RFMRefreshTests {
    static let computed = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("never more often than the interval, then when enough changed or before a pass over everyone", arguments: [
        // (computed, minutes later, population, changed, everyone next, due)
        (false, 0.0, 0, 0, false, true),
        (true, 30.0, 1_000, 500, true, false),
        (true, 61.0, 1_000, 0, true, false),
        (true, 61.0, 1_000, 9, false, false),
        (true, 61.0, 1_000, 10, false, true),
        (true, 61.0, 1_000, 1, true, true),
    ])
    func due(computed: Bool, minutes: Double, population: Int, changed: Int, everyone: Bool, due: Bool) {
        let refresh = RFMRefresh(minimumInterval: 3_600, changedShare: 0.01)
        #expect(refresh.isDue(computedAt: computed ? Self.computed : nil, population: population, changed: changed,
                              everyoneNext: everyone, now: Self.computed.addingTimeInterval(minutes * 60)) == due)
    }
}
