import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

/// Incremental planning (evaluate only what can have changed since the last pass) must write exactly the ledger
/// that planning everyone at every cycle writes. Over random customers, campaigns of every kind, customer files
/// that edit, add and re-list customers (zones changing among them), trigger files, a campaign edited mid-run
/// and cycles at random moments across DST changes and a lunar leap month, two daemons (real engines, real
/// SQLite stores and inboxes, an injected clock, a new engine at every cycle as after a restart) are fed the same
/// inputs: one plans incrementally, one plans everyone; their ledgers must be equal after every cycle.
@Suite("Incremental planning writes the ledger a full pass writes")
struct IncrementalPlanningPropertyTests {
    static let zones = ["Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Pacific/Auckland"]
    /// Near DST changes (New York 03-08, Berlin 10-25, Auckland 04-05) and in 2025's leap sixth lunar month.
    static let starts = ["2026-03-06", "2026-10-23", "2026-04-03", "2025-07-27", "2026-11-23"]

    static func campaigns(edited: Bool) -> [Campaign] {
        func campaign(_ id: String, _ trigger: Trigger, priority: Int, window: String = "09:00-21:00",
                      audience: [String] = [], category: MessageCategory = .marketing) -> Campaign {
            var campaign = Campaign(id: id, name: id, category: category, priority: priority, trigger: trigger,
                                    template: try! MessageTemplate("{{name}} \(id)\(edited ? " v2" : "")"))
            campaign.policy.window = TimeWindow(parsing: window)!
            campaign.audience = AudienceRule(conditions: audience.map { try! AudienceRule.parse($0) })
            return campaign
        }
        return [
            campaign("birthday", .birthday(BirthdayRule()), priority: 9),
            campaign("eve", .birthday(BirthdayRule(offsetDays: -1)), priority: 3, window: edited ? "10:00-20:00" : "09:00-21:00",
                     audience: ["days_since_last_order > 20"]),
            campaign("expiry", .dateOffset(DateOffsetRule(field: "card_expires_on", offsets: [-3])), priority: 5, category: .care),
            campaign("recall", .dateOffset(DateOffsetRule(field: "last_order_at", baseOffsetDays: 30, offsets: [1, 3, 5],
                                                          cancelledBy: ["purchase"])), priority: 4),
            campaign("payday", .payday(PaydayRule(day: .dayOfMonth(edited ? 26 : 25))), priority: 2),
            campaign("festival", .holidayCountdown(HolidayCountdownRule(holiday: "mid_autumn", daysBefore: [3, 1, 0])), priority: 6),
            campaign("cron", .cron(CronRule(expression: try! CronExpression("30 10 * * 1,4"))), priority: 1, window: "00:00-23:59",
                     audience: ["rfm_f >= 2"]),
            campaign("cart", .event(EventRule(event: "cart_abandoned", delay: 3 * 3600, cancelledBy: ["purchase"])), priority: 7),
        ]
    }

    struct Input {
        var at: Date
        var name: String
        var text: String
    }

    struct Scenario {
        var start: Date
        var inputs: [Input]
        var cycles: [Date]
        var editAt: Date
    }

    static func scenario(_ seed: Int) -> Scenario {
        var rng = SplitMix(seed: UInt64(seed) &* 104_729 &+ 7)
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &rng)] }
        let startDay = LocalDate(iso: starts[seed % starts.count])!
        let utc = TimeZone(identifier: "UTC")!
        let start = startDay.start(in: utc)
        let span = 4.0 * 86_400
        func near(_ days: ClosedRange<Int>) -> LocalDate { startDay.adding(days: Int.random(in: days, using: &rng)) }
        func row(_ i: Int) -> String {
            let birthday = near(-1...4)
            let lunar = Int.random(in: 0..<5, using: &rng) == 0
            let lastOrder = start.addingTimeInterval(-Double(Int.random(in: 15...40, using: &rng)) * 86_400 + Double(Int.random(in: 0...86_399, using: &rng)))
            return ["C\(i)", "客户\(i)", "+86138001380\(String(format: "%02d", i))",
                    "\(1990 - i % 20)-\(String(format: "%02d-%02d", birthday.month, birthday.day))", pick(zones), lunar ? "true" : "false",
                    pick(["gold", "silver"]), ISOInstant.format(lastOrder, in: utc), "\(Int.random(in: 0...6, using: &rng))",
                    "\(Int.random(in: 0...3000, using: &rng))", near(1...7).description].joined(separator: ",")
        }
        let header = "customer_id,name,phone,birthday,timezone,birthday_lunar,tier,last_order_at,order_count,total_spend,card_expires_on\n"
        var inputs = [Input(at: start, name: "members-0.csv", text: header + (0..<16).map { row($0) + "\n" }.joined())]
        for n in 1...Int.random(in: 3...6, using: &rng) {
            let at = start.addingTimeInterval(Double(Int.random(in: 3_600...Int(span - 3_600), using: &rng)))
            if Bool.random(using: &rng) {
                // Edits (new birthdays, zones, orders) of some customers, new customers, and unchanged re-listings.
                let ids = (0..<Int.random(in: 1...6, using: &rng)).map { _ in Int.random(in: 0..<20, using: &rng) }
                inputs.append(Input(at: at, name: "members-\(n).csv", text: header + Set(ids).sorted().map { row($0) + "\n" }.joined()))
            } else {
                let lines = (0..<Int.random(in: 1...5, using: &rng)).map { _ -> String in
                    let when = at.addingTimeInterval(-Double(Int.random(in: 0...(6 * 3600), using: &rng)))
                    return "C\(Int.random(in: 0..<16, using: &rng)),\(pick(["cart_abandoned", "cart_abandoned", "purchase"])),\(ISOInstant.format(when, in: utc)),围巾\n"
                }
                inputs.append(Input(at: at, name: "events-\(n).csv", text: "customer_id,event,at,product\n" + lines.joined()))
            }
        }
        var cycles: [Date] = []
        var at = start.addingTimeInterval(Double(Int.random(in: 60...3_600, using: &rng)))
        while at < start.addingTimeInterval(span) {
            cycles.append(at)
            at = at.addingTimeInterval(Double(Int.random(in: 5...(3 * 60), using: &rng)) * 60)
        }
        return Scenario(start: start, inputs: inputs.sorted { $0.at < $1.at }, cycles: cycles,
                        editAt: start.addingTimeInterval(Double(Int.random(in: 0...Int(span), using: &rng))))
    }

    struct Row: Hashable, CustomStringConvertible {
        var status: MessageStatus
        var reasonCode: String?
        var sendAt: Date
        var validUntil: Date
        var text: String
        var description: String { "\(status.rawValue) \(reasonCode ?? "-") \(ISOInstant.format(sendAt, in: .gmt)) \(text)" }
    }

    /// One daemon of the pair.
    final class Daemon {
        let home: TemporaryHome
        let store: SQLiteStore
        let incremental: Bool
        let fileClock = FixedClock(SystemClock().now.addingTimeInterval(3600))
        var written = Set<String>()

        init(incremental: Bool) throws {
            home = try TemporaryHome()
            store = try SQLiteStore(path: home.root.appendingPathComponent("var/beckon.sqlite").path)
            self.incremental = incremental
        }

        func cycle(at now: Date, inputs: [Input], edited: Bool) async throws -> BeckonEngine.CycleReport {
            for input in inputs where input.at <= now && !written.contains(input.name) {
                try home.write(input.text, to: input.name)
                written.insert(input.name)
            }
            var configuration = home.configuration(campaigns: IncrementalPlanningPropertyTests.campaigns(edited: edited))
            configuration.stableSeconds = 0
            let engine = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(now), fileClock: fileClock,
                                          logger: Logger(label: "test"), incrementalPlanning: incremental)
            _ = try engine.recover()
            return try await engine.runCycle()
        }

        func ledger(days: [LocalDate]) throws -> [MessageKey: Row] {
            var rows: [MessageKey: Row] = [:]
            for i in 0..<20 {
                for day in days {
                    for entry in try store.entries(customerID: "C\(i)", localDate: day) {
                        rows[entry.message.key] = Row(status: entry.status, reasonCode: entry.reasonCode, sendAt: entry.message.sendAt,
                                                      validUntil: entry.message.validUntil, text: entry.message.text)
                    }
                }
            }
            return rows
        }
    }

    @Test("incremental planning and a full pass at every cycle write the same ledger, cycle after cycle", arguments: 0..<10)
    func sameLedger(seed: Int) async throws {
        let s = Self.scenario(seed)
        let incremental = try Daemon(incremental: true)
        let full = try Daemon(incremental: false)
        let days = (-2...7).map { LocalDate(s.start, in: TimeZone(identifier: "UTC")!).adding(days: $0) }
        var evaluated = (incremental: 0, full: 0)
        for now in s.cycles {
            let edited = now >= s.editAt
            let a = try await incremental.cycle(at: now, inputs: s.inputs, edited: edited)
            let b = try await full.cycle(at: now, inputs: s.inputs, edited: edited)
            evaluated.incremental += a.evaluatedCustomers
            evaluated.full += b.evaluatedCustomers
            let left = try incremental.ledger(days: days), right = try full.ledger(days: days)
            let differing = Set(left.keys).union(right.keys).sorted().filter { left[$0] != right[$0] }
            #expect(differing.isEmpty, "seed \(seed) at \(ISOInstant.format(now, in: .gmt)): \(differing.prefix(4).map { "\($0): incremental \(left[$0].map(\.description) ?? "nothing"), full \(right[$0].map(\.description) ?? "nothing")" })")
            if !differing.isEmpty { return }
        }
        let final = try full.ledger(days: days)
        #expect(final.count > 5, "seed \(seed): the scenario must plan something (\(final.count) messages)")
        #expect(evaluated.incremental < evaluated.full / 2, "seed \(seed): incremental planning evaluated \(evaluated.incremental) customers, a full pass \(evaluated.full)")
    }
}
