import BeckonCore
@testable import BeckonStore
import GRDB
import Foundation
import Testing

@Suite("Number hygiene in the store: failed reports recorded in their transaction, suppressions by number")
struct NumberHygieneStoreTests {
    static let start = ISOInstant.parse("2026-11-02T10:00:00+08:00", defaultZone: .gmt)!
    static let day: TimeInterval = 86_400
    static let phone = "+8613800138000"

    /// A message of `campaign` to `phone`, sent `day` days after `start`.
    static func send(_ store: SQLiteStore, day offset: Double, campaign: String = "recall", variant: String = "",
                     customer: String = "C1", phone: String = phone) throws -> MessageKey {
        let at = start.addingTimeInterval(offset * day)
        let key = MessageKey(campaign: campaign, wave: 0, customer: customer, localDate: LocalDate(at, in: .gmt))
        let message = PlannedMessage(key: key, category: .marketing, phone: phone, channel: "sms", text: "hi", variant: variant,
                                     sendAt: at, validUntil: at.addingTimeInterval(3600), reason: "r")
        _ = try store.schedule([message], at: at)
        try store.markPending([key], at: at)
        try store.record([DispatchOutcome(key: key, status: .sent, providerID: "p-\(key)", channel: "sms")], at: at)
        return key
    }

    static func fail(_ store: SQLiteStore, _ key: MessageKey, code: String, day offset: Double) throws {
        let failureClass = FailureCodeTable().classify(code)
        _ = try store.apply(DeliveryReport(channel: "sms", key: key, status: .undelivered, providerCode: code,
                                           at: start.addingTimeInterval(offset * day + 60), failureClass: failureClass))
    }

    func hygiene(_ store: SQLiteStore) throws -> [Suppression] {
        try store.suppressions(customerIDs: ["C1"], phones: [Self.phone]).filter { $0.source == .hardFailure }
    }

    @Test("an invalid number is suppressed by its first failed report, by number only, lapsing 90 days later")
    func invalid() throws {
        let store = try SQLiteStore()
        let key = try Self.send(store, day: 0)
        try Self.fail(store, key, code: "2 NACK/0x0b/Invalid Destination Address", day: 0)
        let found = try hygiene(store)
        #expect(found.count == 1)
        #expect(found.first?.failureClass == .invalid)
        #expect(found.first?.customerID == nil && found.first?.phone == Self.phone)
        #expect(found.first?.detail.contains("0x0b") == true)
        let at = Self.start.addingTimeInterval(60)
        #expect(found.first?.lapsesAt == at.addingTimeInterval(90 * Self.day))
        #expect(found.first?.stands(at: at.addingTimeInterval(89 * Self.day)) == true)
        #expect(found.first?.stands(at: at.addingTimeInterval(90 * Self.day)) == false)
    }

    @Test("suspended: two failed reports 6 days apart do not suppress, 8 days apart do", arguments: [(6.0, false), (8.0, true)])
    func suspended(apart: Double, suppresses: Bool) throws {
        let store = try SQLiteStore()
        try Self.fail(store, try Self.send(store, day: 0), code: "MK:0005", day: 0)
        #expect(try hygiene(store).isEmpty)
        try Self.fail(store, try Self.send(store, day: apart, campaign: "winback"), code: "DB:0102", day: apart)
        let found = try hygiene(store)
        #expect(found.map(\.failureClass) == (suppresses ? [.suspended] : []))
        // The monthly report's rows: the suppression with both failures behind it.
        let month = try store.hygieneSuppressions(in: DateInterval(start: Self.start.addingTimeInterval(-Self.day), duration: 30 * Self.day))
        #expect(month.made.map { $0.behind.map(\.code) } == (suppresses ? [["MK:0005", "DB:0102"]] : []))
        #expect(month.lapsed.isEmpty)
    }

    @Test("a delivered message between two suspended failures resets the count")
    func deliveryResets() throws {
        let store = try SQLiteStore()
        try Self.fail(store, try Self.send(store, day: 0), code: "MK:0005", day: 0)
        let delivered = try Self.send(store, day: 3, campaign: "care")
        _ = try store.apply(DeliveryReport(channel: "sms", key: delivered, status: .delivered, providerCode: "DELIVRD",
                                           at: Self.start.addingTimeInterval(3 * Self.day + 60)))
        try Self.fail(store, try Self.send(store, day: 9, campaign: "winback"), code: "MK:0005", day: 9)
        #expect(try hygiene(store).isEmpty)
    }

    @Test("a content block flags the campaign and variant, never the number; a repeated report counts once")
    func contentBlocked() throws {
        let store = try SQLiteStore()
        let a = try Self.send(store, day: 0, variant: "A")
        try Self.fail(store, a, code: "KEYWORD", day: 0)
        try Self.fail(store, a, code: "KEYWORD", day: 0)
        try Self.fail(store, try Self.send(store, day: 0, variant: "A", customer: "C2", phone: "+8613900139000"), code: "MK:0115", day: 0)
        #expect(try hygiene(store).isEmpty)
        let blocks = try store.contentBlocks(since: Self.start)
        #expect(blocks.map { "\($0.campaign)/\($0.variant)=\($0.count)" } == ["recall/A=2"])
        #expect(["KEYWORD", "MK:0115"].contains(blocks.first?.lastCode ?? ""))
    }

    @Test("a failed report that comes before the send's reply is recorded is classified when it is applied")
    func earlyReport() throws {
        let store = try SQLiteStore()
        let key = MessageKey(campaign: "recall", wave: 0, customer: "C1", localDate: LocalDate(Self.start, in: .gmt))
        _ = try store.schedule([PlannedMessage(key: key, category: .marketing, phone: Self.phone, channel: "sms", text: "hi",
                                               sendAt: Self.start, validUntil: Self.start.addingTimeInterval(3600), reason: "r")], at: Self.start)
        try store.markPending([key], at: Self.start)
        let early = try store.apply(DeliveryReport(channel: "sms", providerID: "gw-9", status: .undelivered, providerCode: "MK:0001",
                                                   at: Self.start, failureClass: .invalid))
        #expect(early == .unknownMessage)
        #expect(try hygiene(store).isEmpty)
        try store.record([DispatchOutcome(key: key, status: .sent, providerID: "gw-9", channel: "sms")], at: Self.start.addingTimeInterval(1))
        #expect(try hygiene(store).map(\.failureClass) == [.invalid])
    }

    @Test("throttled and transient failures record nothing and suppress nothing")
    func transient() throws {
        let store = try SQLiteStore()
        for (offset, code) in [(0.0, "LIMIT"), (8, "UNDELIV"), (16, "MI:0013"), (24, "EXPIRED")] {
            try Self.fail(store, try Self.send(store, day: offset, campaign: "c\(Int(offset))"), code: code, day: offset)
        }
        #expect(try hygiene(store).isEmpty)
        #expect(try store.contentBlocks(since: .distantPast).isEmpty)
    }
}

@Suite("Migration v14-hygiene")
struct HygieneMigrationTests {
    @Test("a number suppressed by hard_failure_codes before classes existed becomes class invalid, lapsing 90 days after")
    func earlierHardFailures() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-v14-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let at = 1_790_000_000.0
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreMigrations.migrator.migrate(queue, upTo: "v13-import-fingerprints")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO suppression (phone, source, detail, at) VALUES ('+8613800138000', 'hard_failure', 'BAD_NUMBER', ?)",
                               arguments: [at])
                try db.execute(sql: "INSERT INTO suppression (phone, source, detail, at) VALUES ('+8613900139000', 'opt_out_reply', 'TD', ?)",
                               arguments: [at])
            }
        }
        let store = try SQLiteStore(path: path)
        let found = try store.suppressions(customerIDs: [], phones: ["+8613800138000", "+8613900139000"])
        let hard = try #require(found.first { $0.source == .hardFailure })
        #expect(hard.failureClass == .invalid)
        #expect(hard.lapsesAt == Date(timeIntervalSince1970: at + 90 * 86_400))
        let reply = try #require(found.first { $0.source == .optOutReply })
        #expect(reply.failureClass == nil && reply.lapsesAt == nil)
    }
}
