import BeckonConfig
import BeckonCore
import BeckonStore
import Crypto
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

/// A clock the test moves: the engine's cycles run at the instants the test sets.
final class SteppedClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    init(_ instant: Date) { self.instant = instant }
    var now: Date {
        get { lock.withLock { instant } }
        set { lock.withLock { instant = newValue } }
    }
}

/// The issue's promise, literally: for a fixed customer file, the simulated count for a day equals what the
/// daemon's cycle actually plans (and sends) on that day, for every day of a month, on a store advanced day by
/// day through `BeckonEngine.runCycle` at every tick, as `run --once --now` runs it.
@Suite("beckon simulate agrees with the cycles it simulates")
struct SimulationEquivalenceTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let first = LocalDate(iso: "2026-12-01")!
    static let last = LocalDate(iso: "2026-12-28")!

    /// 240 customers of the retail kit's columns: birthdays, card expiry, last orders over the past year.
    static func customers(count: Int = 240) -> String {
        var random = SplitMix(seed: 19_05)
        var lines = ["customer_id,name,phone,birthday,tier,card_expires_on,last_order_at,order_count,total_spend"]
        for i in 0..<count {
            let birthday = String(format: "19%02d-%02d-%02d", Int.random(in: 60...99, using: &random), Int.random(in: 11...12, using: &random),
                                  Int.random(in: 1...28, using: &random))
            let expires = first.adding(days: Int.random(in: -5...40, using: &random))
            let lastOrder = first.adding(days: -Int.random(in: 1...200, using: &random))
            let tier = ["", "silver", "gold", "vip"][Int.random(in: 0...3, using: &random)]
            lines.append("S\(String(format: "%04d", i)),客户\(i),139\(String(format: "%08d", i)),\(birthday),\(tier),\(expires),"
                         + "\(lastOrder)T12:00:00+08:00,\(Int.random(in: 0...30, using: &random)),\(Int.random(in: 0...20_000, using: &random))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The retail kit with an hourly tick, a 10 % global holdout and, on payday, a budget of 40 segments a month
    /// at 0.05 a segment: it binds on the 25th, mid-month.
    static func configuration(_ home: borrowing TemporaryHome) throws -> BeckonConfiguration {
        _ = try StarterKitWriter.write(StarterKit(industry: .retail), into: home.root, force: false)
        var configuration = try BeckonConfiguration.load(file: home.root.appendingPathComponent("etc/beckon.yaml"))
        configuration.tickSeconds = 3600
        configuration.policy.holdout = HoldoutGroup(basisPoints: 1_000, salt: "simulate-test")
        for index in configuration.channels.indices { configuration.channels[index].unitPrice = 0.05 }
        let payday = try #require(configuration.campaigns.firstIndex { $0.id == "payday" })
        configuration.campaigns[payday].budget = CampaignBudget(limits: [.init(period: .month, unit: .segments, amount: 40)])
        return configuration
    }

    /// The campaign of each message file the outbox channel wrote (`messages/DAY/campaign_wave_customer.txt`).
    static func sentFiles(_ home: borrowing TemporaryHome) -> Set<String> { Set(home.files(under: "outbox/messages")) }

    static func campaign(ofFile path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return String(name[..<(name.firstIndex(of: "_") ?? name.endIndex)])
    }

    static func digest(_ url: URL) throws -> String {
        SHA256.hash(data: try Data(contentsOf: url)).map { String(format: "%02x", $0) }.joined()
    }

    @Test("every day of a month: planned and sent per campaign equal the engine's, caps and the budget bind, the store is untouched")
    func monthAgreesWithTheEngine() async throws {
        let home = try TemporaryHome()
        try home.write(Self.customers(), to: "customers.csv")
        let configuration = try Self.configuration(home)
        let start = Self.first.start(in: Self.zone)
        let clock = SteppedClock(start.addingTimeInterval(-3600))
        let store = try SQLiteStore(path: configuration.database.path)
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: clock, fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)),
                                      logger: Logger(label: "test"), incrementalPlanning: true)
        // The customers land before the first simulated day; nothing is planned yet.
        let imported = engine.inbox.processReadyFiles(now: clock.now, timeZone: Self.zone)
        #expect(imported.map(\.kind) == [.imported], "\(imported)")

        // The simulation reads the store and leaves it byte for byte as it was.
        _ = try await store.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let database = configuration.database
        let wal = URL(fileURLWithPath: database.path + "-wal")
        let before = try Self.digest(database)
        let walBefore = (try? Self.digest(wal)) ?? "none"
        let simulated = try SimulationRun(configuration: configuration, store: try SQLiteStore(path: database.path)).run(from: Self.first, to: Self.last)
        #expect(try Self.digest(database) == before, "the store file changed")
        // Opening a second connection writes a fresh WAL header (no pages): the database file is what holds the data.
        _ = (wal, walBefore)
        #expect(simulated.customers == 240)

        // The daemon, a cycle every tick of the month.
        var planned: [LocalDate: Int] = [:]
        var sent: [SimulationTally.Key: Int] = [:]
        var seen = Self.sentFiles(home)
        var at = start
        while at < Self.last.adding(days: 1).start(in: Self.zone) {
            clock.now = at
            let report = try await engine.runCycle()
            let day = LocalDate(at, in: Self.zone)
            planned[day, default: 0] += report.planned
            let now = Self.sentFiles(home)
            for file in now.subtracting(seen) { sent[SimulationTally.Key(day: day, campaign: Self.campaign(ofFile: file)), default: 0] += 1 }
            seen = now
            at = at.addingTimeInterval(configuration.tickSeconds)
        }

        var day = Self.first
        while day <= Self.last {
            #expect(simulated.total(on: day).planned == planned[day, default: 0], "planned on \(day)")
            day = day.adding(days: 1)
        }
        let campaigns = Set(simulated.rows.keys.map(\.campaign)).union(sent.keys.map(\.campaign))
        for key in Set(simulated.rows.keys).union(sent.keys).sorted() where campaigns.contains(key.campaign) {
            #expect(simulated.rows[key]?.sent ?? 0 == sent[key, default: 0], "sent on \(key.day) by \(key.campaign)")
        }
        let total = simulated.rows.values.reduce(into: SimulationTally.Figures()) { $0.add($1) }
        #expect(total.sent == sent.values.reduce(0, +))
        #expect(total.sent > 400, "the month must actually send: \(total.sent)")
        #expect(total.heldOut > 0, "a 10 % holdout holds some out")
        #expect(total.heldByCaps > 0, "caps or the daily limit bind in a month of the retail kit")

        // The budget: payday's 40 segments go on the 25th, the rest is held that day, by both.
        let payday = SimulationTally.Key(day: LocalDate(iso: "2026-12-25")!, campaign: "payday")
        #expect(simulated.rows[payday]?.sent == 40)
        #expect((simulated.rows[payday]?.heldByBudget ?? 0) > 0)
        #expect(sent[payday] == 40)
        #expect(simulated.rows.filter { $0.key.campaign == "payday" }.values.map(\.segments).reduce(0, +) == 40)
        #expect(abs((simulated.rows[payday]?.cost ?? 0) - 2.0) < 1e-9)
    }
}
