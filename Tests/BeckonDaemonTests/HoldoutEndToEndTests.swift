import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

@Suite("End to end: held-out customers through a real run")
struct HoldoutEndToEndTests {
    static let instant = ISOInstant.parse("2026-11-24T10:59:59+08:00", defaultZone: .gmt)!
    static let day = LocalDate(iso: "2026-11-24")!
    static let count = 300

    static func campaign(_ id: String, priority: Int, category: MessageCategory = .marketing) -> Campaign {
        var campaign = Campaign(id: id, name: id, category: category, priority: priority, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate("【Beckon】{{name}} \(id)"))
        campaign.policy.window = TimeWindow(parsing: "10:00-11:00")!
        return campaign
    }

    static var customers: String {
        "customer_id,name,phone,birthday\n" + (0..<count).map { "C\($0),客户\($0),138\(String(format: "%08d", $0)),1990-11-24" }.joined(separator: "\n") + "\n"
    }

    static func configuration(_ home: borrowing TemporaryHome, salt: String = "2026-h1") -> BeckonConfiguration {
        var recall = campaign("recall", priority: 5)
        recall.control = HoldoutGroup(basisPoints: 1_000, salt: Holdout.defaultControlSalt(campaign: "recall"))
        let receipt = campaign("receipt", priority: 1, category: .transactional)
        var configuration = home.configuration(campaigns: [recall, receipt])
        configuration.policy.holdout = HoldoutGroup(basisPoints: 500, salt: salt)
        return configuration
    }

    func engine(_ configuration: BeckonConfiguration, store: SQLiteStore, at instant: Date = Self.instant) throws -> BeckonEngine {
        try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                         fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
    }

    @Test("a held-out customer never receives the campaign's message; transactional still goes; each gets a held_out row and receipt")
    func heldOutNeverReceives() async throws {
        let home = try TemporaryHome()
        try home.write(Self.customers, to: "customers.csv")
        let configuration = Self.configuration(home)
        let store = try SQLiteStore(path: configuration.database.path)
        let report = try await engine(configuration, store: store).runCycle()
        // A second cycle later the same day changes nothing for them.
        _ = try await engine(configuration, store: store, at: Self.instant.addingTimeInterval(30)).runCycle()

        let recall = configuration.campaigns[0]
        let messages = Set(home.files(under: "outbox/messages"))
        let receipts = home.files(under: "outbox/receipts").filter { $0.hasSuffix(".csv") }
            .map { (try? home.contents(of: "outbox/receipts/" + $0)) ?? "" }.joined()
        var expected: [HeldOutCount: Int] = [:]
        for i in 0..<Self.count {
            let id = "C\(i)"
            let key = MessageKey(campaign: "recall", wave: 0, customer: id, localDate: Self.day)
            let entry = try #require(try store.entry(for: key))
            let group = Holdout.group(of: id, campaign: recall, global: configuration.policy.holdout)
            #expect(messages.contains("2026-11-24/receipt_0_\(id).txt"), "transactional is never held out: \(id)")
            if let group {
                expected[HeldOutCount(campaign: "recall", group: group), default: 0] += 1
                #expect(!messages.contains("2026-11-24/recall_0_\(id).txt"), "\(id) is held out (\(group)) but was sent")
                #expect(entry.status == .suppressed)
                #expect(entry.reasonCode == (group == .global ? "held_out" : "held_out_control"))
                #expect(receipts.contains("\(key),recall,,\(id),"), "receipt row of \(key)")
            } else {
                #expect(messages.contains("2026-11-24/recall_0_\(id).txt"))
                #expect(entry.status == .sent)
            }
        }
        #expect(report.heldOut == expected)
        #expect((expected.first { $0.key.group == .global }?.value ?? 0) > 0)
        #expect((expected.first { $0.key.group == .control }?.value ?? 0) > 0)
        #expect(receipts.contains(",suppressed,held_out,"))
        #expect(receipts.contains(",suppressed,held_out_control,"))
        #expect(report.dispatch.sent == 2 * Self.count - expected.values.reduce(0, +))
    }

    @Test("a rotated salt is noticed once against the store's last seen fingerprint, never silently")
    func saltRotation() throws {
        let home = try TemporaryHome()
        let first = Self.configuration(home)
        let store = try SQLiteStore(path: first.database.path)
        #expect(try HoldoutSalts.noteChanges(first, store: store, logger: Logger(label: "test")) == [])
        #expect(try store.value(for: "holdout.salt.global") == first.policy.holdout?.saltFingerprint)
        #expect(try HoldoutSalts.noteChanges(first, store: store, logger: Logger(label: "test")) == [])
        let rotated = Self.configuration(home, salt: "2026-h2")
        #expect(try HoldoutSalts.describe(rotated, store: store).contains { $0.contains("SALT CHANGED") })
        #expect(try HoldoutSalts.noteChanges(rotated, store: store, logger: Logger(label: "test")) == ["global holdout (policy.holdout_salt)"])
        #expect(try HoldoutSalts.noteChanges(rotated, store: store, logger: Logger(label: "test")) == [])
        #expect(try store.value(for: "holdout.salt.global") == HoldoutGroup.fingerprint(of: "2026-h2"))
    }
}
