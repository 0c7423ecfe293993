import BeckonConfig
import BeckonCore
import BeckonStore
import Crypto
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

/// A temporary Beckon home: inbox, outbox and database in a fresh folder, removed afterwards.
struct TemporaryHome: ~Copyable {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var inbox: URL { root.appendingPathComponent("inbox") }
    var outbox: URL { root.appendingPathComponent("outbox") }

    func configuration(campaigns: [Campaign]) -> BeckonConfiguration {
        BeckonConfiguration(home: root, inbox: inbox, outbox: outbox, database: root.appendingPathComponent("var/beckon.sqlite"),
                            timeZone: TimeZone(identifier: "Asia/Shanghai")!, campaigns: campaigns)
    }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: inbox.appendingPathComponent(name))
    }

    func contents(of relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    func files(under relativePath: String) -> [String] {
        let base = root.appendingPathComponent(relativePath)
        let enumerator = FileManager.default.enumerator(atPath: base.path)
        return (enumerator?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: base.appendingPathComponent($0).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }.sorted()
    }
}

@Suite("End to end: inbox to outbox")
struct EndToEndTests {
    /// A one-minute send window, so that the spread send time is known to have come by 10:00:59.
    static let birthdayCampaign: Campaign = {
        var campaign = Campaign(id: "birthday", name: "Birthday", category: .care, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate("【Beckon】{{name}}，生日快乐！"))
        campaign.policy.window = TimeWindow(parsing: "10:00-10:01")!
        return campaign
    }()

    // 2026-11-24 10:00:59 in Shanghai is still 2026-11-23 in New York (21:00 there).
    static let instant = ISOInstant.parse("2026-11-24T10:00:59+08:00", defaultZone: .gmt)!

    /// Where in the window the message was spread to: a stable hash of its key.
    static func spreadSecond(_ key: String) -> String {
        String(format: "%02d", Int(SendTiming.fraction(of: key) * 60))
    }

    static let customers = """
        customer_id,name,phone,birthday,timezone
        C1,王芳,+86 138-0013-8000,1990-11-24,Asia/Shanghai
        C2,Li Lei,13900139000,1985-11-24,America/New_York
        C3,张伟,13700137000,1979-06-01,

        """

    func engine(_ home: borrowing TemporaryHome, at instant: Date) throws -> BeckonEngine {
        let configuration = home.configuration(campaigns: [Self.birthdayCampaign])
        let store = try SQLiteStore(path: configuration.database.path)
        // The file clock is far ahead so the freshly written inbox file counts as complete.
        return try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                                fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
    }

    @Test("a birthday today in the customer's zone gets exactly one message and receipt; a second cycle sends nothing")
    func birthdayEndToEnd() async throws {
        let home = try TemporaryHome()
        try home.write(Self.customers, to: "customers.csv")

        let report = try await engine(home, at: Self.instant).runCycle()
        #expect(report.files.map(\.kind) == [.imported])
        #expect(report.planned == 1)
        #expect(report.dispatch.sent == 1)

        // Only C1: it is C2's birthday in Shanghai but not yet in New York, and C3's birthday is in June.
        #expect(home.files(under: "outbox/messages") == ["2026-11-24/birthday_0_C1.txt"])
        #expect(try home.contents(of: "outbox/messages/2026-11-24/birthday_0_C1.txt") == """
            Key: birthday/0/C1/2026-11-24
            To: +8613800138000
            Campaign: birthday
            Variant: 
            Category: care
            Valid-Until: 2026-11-24T02:01:00Z

            【Beckon】王芳，生日快乐！回复TD退订

            """)
        #expect(home.files(under: "outbox/receipts") == ["2026-11-24/receipts-2026-11-24T10.csv", "2026-11-24/summary.json"])
        let receipt = try home.contents(of: "outbox/receipts/2026-11-24/receipts-2026-11-24T10.csv")
        let second = Self.spreadSecond("birthday/0/C1/2026-11-24")
        #expect(receipt == """
            key,campaign,variant,customer_id,phone,channel,provider_message_id,status,reason_code,provider_code,segments,encoding,planned_at,event_at,source,coupon\r
            birthday/0/C1/2026-11-24,birthday,,C1,+86138****8000,outbox,birthday_0_C1.txt,sent,,,1,UCS-2,2026-11-24T10:00:\(second)+08:00,2026-11-24T10:00:59+08:00,customers.csv:2,\r

            """)
        #expect(home.files(under: "inbox") == ["archive/2026-11-24/customers.csv"])
        // The day's summary counts the receipt and carries the SHA-256 of the receipt file as written.
        let summary = try JSONSerialization.jsonObject(with: Data(try home.contents(of: "outbox/receipts/2026-11-24/summary.json").utf8)) as? [String: Any]
        #expect((summary?["totals"] as? [String: Int]) == ["sent": 1])
        #expect(((summary?["campaigns"] as? [String: Any])?["birthday"] as? [String: [String: Int]]) == ["-": ["sent": 1]])
        let files = summary?["files"] as? [[String: String]]
        #expect(files?.first?["name"] == "receipts-2026-11-24T10.csv")
        #expect(files?.first?["sha256"] == SHA256.hash(data: Data(receipt.utf8)).map { String(format: "%02x", $0) }.joined())

        let again = try await engine(home, at: Self.instant.addingTimeInterval(60)).runCycle()
        #expect(again.planned == 0)
        #expect(again.alreadyPlanned == 0, "nothing changed since the first cycle of the day: nobody is evaluated again")
        #expect(again.dispatch.sent == 0)
        #expect(home.files(under: "outbox/messages").count == 1)
    }

    @Test("a one-row customer file plans that customer only and leaves the RFM boundaries until they are due")
    func oneRowFile() async throws {
        let home = try TemporaryHome()
        let rows = (1...10).map { "C\($0),客户\($0),+861380013\(String(format: "%04d", $0)),1990-03-0\($0 % 9 + 1),\($0)" }
        try home.write("customer_id,name,phone,birthday,order_count\n" + rows.joined(separator: "\n") + "\n", to: "customers.csv")
        let first = try await engine(home, at: Self.instant).runCycle()
        #expect(first.evaluatedCustomers == 10)
        let store = try SQLiteStore(path: home.configuration(campaigns: []).database.path)
        let computed = try #require(try store.rfmBreakpoints())
        #expect(computed.population == 10)

        try home.write("customer_id,name,phone,birthday,order_count\nC3,客户3,+8613800130003,1990-03-04,7\n", to: "one.csv")
        let one = try await engine(home, at: Self.instant.addingTimeInterval(600)).runCycle()
        #expect(one.evaluatedCustomers == 1, "only the customer the file changed")
        #expect(try store.rfmBreakpoints()?.computedAt == computed.computedAt, "within the hour: not recomputed for one row")
        // The same rows again, in another file (so not skipped as a duplicate file): nothing written, nobody evaluated.
        try home.write("customer_id,name,phone,birthday,order_count\nC4,客户4,+8613800130004,1990-03-05,4\nC3,客户3,+8613800130003,1990-03-04,7\n",
                       to: "again.csv")
        #expect(try await engine(home, at: Self.instant.addingTimeInterval(700)).runCycle().evaluatedCustomers == 0)
        // An hour after the last computation, the one change (10% of the customers) is enough.
        _ = try await engine(home, at: Self.instant.addingTimeInterval(3_700)).runCycle()
        #expect(try store.rfmBreakpoints()?.computedAt == Self.instant.addingTimeInterval(3_700))
    }

    @Test("a pass asked to stop ends between batches, marks nothing planned, and the next pass plans the rest once")
    func stopMidPass() async throws {
        let home = try TemporaryHome()
        let rows = (1...25_000).map { "C\(String(format: "%05d", $0)),客户,+86138\(String(format: "%08d", $0)),1990-11-24" }
        try home.write("customer_id,name,phone,birthday\n" + rows.joined(separator: "\n") + "\n", to: "customers.csv")
        let configuration = home.configuration(campaigns: [Self.birthdayCampaign])
        let store = try SQLiteStore(path: configuration.database.path)
        let asked = CallCounter()
        // Stop once the first batch of 10,000 has been planned.
        let stopping = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(Self.instant.addingTimeInterval(-3_600)),
                                        fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"),
                                        shouldStop: { asked.increment() > 1 })
        await #expect(throws: CancellationError.self) { _ = try await stopping.runCycle() }
        #expect(try store.value(for: "planner.evaluated_through") == nil, "nothing marked planned")
        let planned = try store.scheduledOutlook().count
        #expect(planned == 10_000, "the first batch's messages are written, once")
        let resumed = try await engine(home, at: Self.instant.addingTimeInterval(-3_500)).runCycle()
        #expect(resumed.planned == 15_000 && resumed.alreadyPlanned == 10_000)
    }

    @Test("a pass over everyone in slices: files between slices are planned at once, every customer once, the window kept")
    func slicedPass() async throws {
        let home = try TemporaryHome()
        let rows = (1...25_000).map { "C\(String(format: "%05d", $0)),客户,+86138\(String(format: "%08d", $0)),1990-11-24" }
        try home.write("customer_id,name,phone,birthday\n" + rows.joined(separator: "\n") + "\n", to: "customers.csv")
        let configuration = home.configuration(campaigns: [Self.birthdayCampaign])
        let store = try SQLiteStore(path: configuration.database.path)
        func engine(at instant: Date) throws -> BeckonEngine {
            try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                             fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"), planningSlice: .zero)
        }
        let start = Self.instant.addingTimeInterval(-3_600)
        // A slice of no time plans one batch of 10,000 and hands over.
        let first = try await engine(at: start).runCycle(planInSlices: true)
        #expect(first.planningIncomplete && first.planned == 10_000)
        // A new customer between slices is planned by the next cycle, ahead of the pass (its id sorts last).
        try home.write("customer_id,name,phone,birthday\nZ1,新客户,+8613912345678,1990-11-24\n", to: "one.csv")
        let second = try await engine(at: start.addingTimeInterval(5)).runCycle(planInSlices: true)
        #expect(second.planningIncomplete)
        #expect(try store.entries(customerID: "Z1", localDate: LocalDate(iso: "2026-11-24")!).count == 1)
        let third = try await engine(at: start.addingTimeInterval(10)).runCycle(planInSlices: true)
        #expect(!third.planningIncomplete)
        #expect(try store.scheduledOutlook().count == 25_001, "everyone once")
        #expect(try store.value(for: "planner.evaluated_through") == String(start.timeIntervalSince1970),
                "the next window starts where the pass began, so nothing after its first slice is missed")
        let idle = try await engine(at: start.addingTimeInterval(20)).runCycle(planInSlices: true)
        #expect(idle.evaluatedCustomers == 0 && !idle.planningIncomplete)
    }

    @Test("the customer in New York gets the message once their own day begins")
    func birthdayInCustomersZone() async throws {
        let home = try TemporaryHome()
        try home.write(Self.customers, to: "customers.csv")
        _ = try await engine(home, at: Self.instant).runCycle()
        // 2026-11-24 10:00:59 in New York.
        let later = ISOInstant.parse("2026-11-24T10:00:59-05:00", defaultZone: .gmt)!
        let report = try await engine(home, at: later).runCycle()
        #expect(report.dispatch.sent == 1)
        #expect(home.files(under: "outbox/messages").contains("2026-11-24/birthday_0_C2.txt"))
    }

    @Test("after downtime, messages past their valid_until expire with a receipt instead of going out late")
    func downtimeExpires() async throws {
        let home = try TemporaryHome()
        try home.write(Self.customers, to: "customers.csv")
        let configuration = home.configuration(campaigns: [Self.birthdayCampaign])
        let store = try SQLiteStore(path: configuration.database.path)
        // Plan on the 24th but let the dispatcher first run on the 25th.
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(Self.instant),
                                      fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
        var report = BeckonEngine.CycleReport()
        _ = engine.inbox.processReadyFiles(now: Self.instant, timeZone: configuration.timeZone)
        try engine.plan(through: Self.instant, into: &report)
        #expect(report.planned == 1)
        let nextDay = try self.engine(home, at: Self.instant.addingTimeInterval(86_400))
        let late = try await nextDay.runCycle()
        #expect(late.dispatch.expired == 1)
        // C2's birthday window in New York (24th, 10:00-10:01 there) also passed while Beckon was down.
        #expect(late.decided["past_valid_until"] == 1)
        #expect(late.dispatch.sent == 0)
        let entry = try store.entry(for: MessageKey(campaign: "birthday", wave: 0, customer: "C1", localDate: LocalDate(year: 2026, month: 11, day: 24)!))
        #expect(entry?.status == .expired)
    }
}

/// A thread-safe count of calls, for a `shouldStop` that answers yes after some.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
