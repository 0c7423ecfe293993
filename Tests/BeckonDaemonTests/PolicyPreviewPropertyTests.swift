import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

/// `beckon explain` and `beckon plan` promise to predict the daemon. Over random customers, campaigns
/// (priorities, spreads, windows, categories, conflicts), policies (caps, tier caps, daily limits) and
/// histories (earlier messages, opt-outs, earlier real cycles), the preview of a cycle at an instant must
/// equal what the real cycle (the engine over a real SQLite store, sending to the outbox) then records.
@Suite("The preview predicts the cycle")
struct PolicyPreviewPropertyTests {
    /// SplitMix64: seeded, so a failing case replays from its seed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        init(_ seed: Int) { state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let zones = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]
    static let day = LocalDate(iso: "2026-11-24")!

    struct Scenario {
        var customers: [Customer]
        var campaigns: [Campaign]
        var policy: DeliveryPolicy
        var suppressions: [Suppression]
        /// Instants of earlier real cycles, then the instant predicted.
        var cycles: [Date]
        var history: [(PlannedMessage, MessageStatus)]
    }

    static func scenario(_ seed: Int) -> Scenario {
        var rng = Seeded(seed)
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &rng)] }
        let customers = (0..<16).map { i -> Customer in
            let birthday = day.adding(days: pick([-1, 0, 0, 0, 1]))
            return Customer(id: "C\(i)", name: "客户\(i)", phone: "+86138001380\(String(format: "%02d", i))",
                            birthday: LocalDate(year: 1990 - i, month: birthday.month, day: birthday.day),
                            timeZone: pick(zones), tier: Bool.random(using: &rng) ? "vip" : nil)
        }
        let campaigns = (0..<Int.random(in: 3...5, using: &rng)).map { i -> Campaign in
            var campaign = Campaign(id: "k\(i)", name: "k\(i)", category: pick([.marketing, .marketing, .care, .transactional]),
                                    priority: Int.random(in: 0...10, using: &rng),
                                    trigger: .birthday(BirthdayRule(offsetDays: pick([-1, 0, 0, 0, 1]))),
                                    template: try! MessageTemplate("{{name}} k\(i)"))
            let from = Int.random(in: 6...18, using: &rng), length = Int.random(in: 2...12, using: &rng)
            campaign.policy.window = TimeWindow(start: LocalTime(hour: from, minute: 0), end: LocalTime(hour: (from + length) % 24, minute: 0))
            campaign.policy.spread = Int.random(in: 0..<3, using: &rng) > 0
            campaign.policy.onConflict = Bool.random(using: &rng) ? .defer : .drop
            campaign.policy.exemptFromCaps = Int.random(in: 0..<8, using: &rng) == 0
            campaign.policy.countsTowardCaps = Int.random(in: 0..<8, using: &rng) != 0
            return campaign
        }
        var policy = DeliveryPolicy(dailyLimit: Int.random(in: 1...3, using: &rng))
        policy.caps = FrequencyCaps(
            rules: [.marketing: [CapRule(max: Int.random(in: 1...3, using: &rng), days: Int.random(in: 1...7, using: &rng))],
                    .care: [CapRule(max: Int.random(in: 1...2, using: &rng), days: Int.random(in: 1...3, using: &rng))]],
            tierRules: Bool.random(using: &rng) ? ["vip": [.marketing: [CapRule(max: Int.random(in: 2...4, using: &rng), days: 7)]]] : [:])
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let suppressions = customers.filter { _ in Int.random(in: 0..<6, using: &rng) == 0 }.map { customer in
            Suppression(customerID: customer.id, category: Bool.random(using: &rng) ? "marketing" : nil, source: .optOutReply,
                        detail: "TD", at: day.adding(days: -3).start(in: zone))
        }
        // Messages of an earlier campaign in the last days: they fill caps and, when they went today, the day.
        var history: [(PlannedMessage, MessageStatus)] = []
        for customer in customers where Bool.random(using: &rng) {
            for back in 0..<Int.random(in: 1...3, using: &rng) {
                let at = day.adding(days: -Int.random(in: 0...6, using: &rng)).start(in: zone).addingTimeInterval(Double(Int.random(in: 1...10, using: &rng)) * 3600)
                let message = PlannedMessage(key: MessageKey(campaign: "old\(back)", wave: 0, customer: customer.id, localDate: LocalDate(at, in: zone)),
                                             category: pick([.marketing, .care]), phone: customer.phone, channel: "outbox", text: "old",
                                             sendAt: at, validUntil: at.addingTimeInterval(3600), reason: "old")
                history.append((message, pick([.sent, .delivered, .sent])))
            }
        }
        // Earlier real cycles through the days around the birthdays, then the instant predicted.
        var cycles: [Date] = []
        var at = day.adding(days: -1).start(in: zone).addingTimeInterval(Double(Int.random(in: 0...(30 * 60), using: &rng)) * 60)
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            cycles.append(at)
            at = at.addingTimeInterval(Double(Int.random(in: 20...(6 * 60), using: &rng)) * 60)
        }
        // The cycle predicted often comes after a pause, so that several messages of a customer are due at once.
        if Bool.random(using: &rng) { at = at.addingTimeInterval(Double(Int.random(in: 60...(8 * 60), using: &rng)) * 60) }
        cycles.append(at)
        return Scenario(customers: customers, campaigns: campaigns, policy: policy, suppressions: suppressions, cycles: cycles, history: history)
    }

    /// Every key a scenario can touch.
    static func keys(_ s: Scenario) -> [MessageKey] {
        var keys = s.history.map(\.0.key)
        for customer in s.customers {
            for campaign in s.campaigns {
                for offset in -6...6 { keys.append(MessageKey(campaign: campaign.id, wave: 0, customer: customer.id, localDate: day.adding(days: offset))) }
            }
        }
        return keys
    }

    struct Row: Hashable, CustomStringConvertible {
        var status: MessageStatus
        var reasonCode: String?
        var sendAt: Date?
        var description: String { "\(status.rawValue) \(reasonCode ?? "-") \(sendAt.map { ISOInstant.format($0, in: .gmt) } ?? "")" }
    }

    static func row(_ entry: LedgerEntry) -> Row {
        Row(status: entry.status, reasonCode: entry.reasonCode, sendAt: entry.status == .scheduled ? entry.message.sendAt : nil)
    }

    @Test("explain's prediction at an instant equals what run --once --now then records", arguments: 0..<40)
    func previewMatchesCycle(seed: Int) async throws {
        _ = try await Self.check(seed: seed)
    }

    @Test("the scenarios exercise the policy: the predicted cycles send, and hold for the day, caps and opt-outs")
    func coverage() async throws {
        var kinds: [String: Int] = [:]
        for seed in 0..<24 { kinds.merge(try await Self.check(seed: seed), uniquingKeysWith: +) }
        #expect(kinds["sent", default: 0] > 5, "\(kinds)")
        #expect(kinds["lower_priority", default: 0] > 0, "\(kinds)")
        #expect(kinds.keys.contains { $0.hasPrefix("cap_") }, "\(kinds)")
        #expect(kinds["opted_out", default: 0] > 0, "\(kinds)")
    }

    /// Runs one scenario, checks the prediction, and counts what the predicted cycle did (by state or reason).
    static func check(seed: Int) async throws -> [String: Int] {
        let s = scenario(seed)
        let home = try TemporaryHome()
        var configuration = home.configuration(campaigns: s.campaigns)
        configuration.policy = s.policy
        let store = try SQLiteStore(path: configuration.database.path)
        try store.upsert(s.customers)
        try store.addSuppressions(s.suppressions)
        for (message, status) in s.history {
            _ = try store.schedule([message], at: message.sendAt)
            try store.markPending([message.key], at: message.sendAt)
            try store.record([DispatchOutcome(key: message.key, status: status, channel: "outbox")], at: message.sendAt)
        }
        func engine(at instant: Date) throws -> BeckonEngine {
            try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                             fileClock: FixedClock(instant.addingTimeInterval(3600)), logger: Logger(label: "test"))
        }
        for instant in s.cycles.dropLast() {
            let earlier = try engine(at: instant)
            _ = try earlier.recover()
            _ = try await earlier.runCycle()
        }

        let now = s.cycles.last!
        let allKeys = keys(s)
        let before = try store.entries(for: allKeys).mapValues(row)
        let preview = try PlanPreview(configuration: configuration, store: store)
        let customers = try s.customers.compactMap { try store.customer(id: $0.id) }
        var predicted = before
        for item in try preview.cycle(for: customers, at: now) {
            guard let change = item.changes.last else { continue }
            let status: MessageStatus = change.after == .deferred ? .scheduled : change.after
            let sendAt = status == .scheduled ? (change.sendAt ?? item.message?.sendAt) : nil
            predicted[item.key] = Row(status: status, reasonCode: change.after == .scheduled ? nil : change.reason?.code, sendAt: sendAt)
        }

        let cycle = try engine(at: now)
        _ = try cycle.recover()
        _ = try await cycle.runCycle()
        let after = try store.entries(for: allKeys).mapValues(row)

        let context = "seed \(seed) at \(ISOInstant.format(now, in: .gmt)), daily limit \(s.policy.dailyLimit), caps \(s.policy.caps.rules)"
        for key in Set(after.keys).union(predicted.keys).sorted() {
            #expect(after[key] == predicted[key], "\(key): the cycle recorded \(after[key].map(\.description) ?? "nothing"), the preview predicted \(predicted[key].map(\.description) ?? "nothing") (\(context))")
        }
        var kinds: [String: Int] = [:]
        for (key, row) in after where before[key] != row { kinds[row.reasonCode ?? row.status.rawValue, default: 0] += 1 }
        return kinds
    }
}
