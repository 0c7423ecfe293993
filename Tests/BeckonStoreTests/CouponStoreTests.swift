import BeckonCore
import Foundation
import GRDB
import Testing

@testable import BeckonStore

@Suite("Coupons: a code is given once, with its ledger row; unsent messages return theirs; an empty pool holds")
struct CouponStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day = LocalDate(iso: "2027-01-15")!

    static func messages(_ range: Range<Int>) -> [PlannedMessage] {
        range.map { index in
            var message = PlannedMessage(
                key: MessageKey(campaign: "winback", wave: 0, customer: "C\(index)", localDate: day), category: .marketing,
                phone: "+86138001\(String(format: "%05d", index))", channel: "sms",
                text: "Your code \(CouponSlots.slot(for: "{{coupon}}")) until \(CouponSlots.slot(for: "{{coupon_expires_on | date: \"M/d\"}}"))",
                sendAt: now, validUntil: now.addingTimeInterval(3600), reason: "r")
            message.coupon = CouponRequest(pool: "spring", validThrough: day)
            return message
        }
    }

    /// 1,000 codes: 100 of them expire the day before the messages' day and may never be given to them.
    static func importCodes(into store: SQLiteStore) throws {
        var batch = ImportBatch()
        batch.coupons = (0..<1_000).map { index in
            ImportedCoupon(Coupon(pool: "spring", code: "SPR\(String(format: "%04d", index))",
                                  expiresOn: index < 100 ? day.adding(days: -1) : day.adding(days: 30)), line: index + 2)
        }
        try store.commitBatch(batch, progress: ImportProgress(sha256: "codes", name: "coupons-spring.csv", nextLine: 1_002, rows: 1_000, rejectedRows: 0))
    }

    @Test("5,000 messages over 1,000 codes, planned by two stores on one file at once with a crash between: no code twice, expired messages return theirs, the pool empties and holds the rest")
    func fiveThousandOverOneThousand() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-coupons-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("beckon.sqlite").path
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        try Self.importCodes(into: first)

        // A crash in the middle of a planning transaction: codes taken, then the process dies before COMMIT.
        // SQLite rolls the whole transaction back: neither the rows nor their codes remain.
        struct Crash: Error {}
        #expect(throws: Crash.self) {
            try first.writer.write { db in
                for message in Self.messages(0..<50) {
                    _ = try SQLiteStore.insert(message, status: .scheduled, reasonCode: nil, at: Self.now, in: db)
                    _ = try SQLiteStore.giveCoupon(to: message.key.description, text: message.text, message.coupon!, at: Self.now, in: db)
                }
                throw Crash()
            }
        }
        #expect(try first.couponPools(today: Self.day, since: Self.now.addingTimeInterval(-7 * 86_400)).first?.given == 0)

        // Two "processes" plan all 5,000 messages concurrently, each in its own order and batch size (so they
        // meet on the same keys): the UNIQUE key keeps one row per message, UNIQUE message_key one code per row.
        let all = Self.messages(0..<5_000)
        let failures = NSLock()
        nonisolated(unsafe) var errors: [any Error] = []
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let (store, order, size) = index == 0 ? (first, all, 250) : (second, Array(all.reversed()), 173)
            do {
                for start in stride(from: 0, to: order.count, by: size) {
                    _ = try store.schedule(Array(order[start..<min(start + size, order.count)]), at: Self.now)
                }
            } catch { failures.withLock { errors.append(error) } }
        }
        #expect(errors.isEmpty, "\(errors)")

        func given() throws -> [(key: String, code: String, text: String)] {
            try first.writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT m.key, c.code, m.text FROM coupon c JOIN message m ON m.key = c.message_key
                    """).map { ($0["key"], $0["code"], $0["text"]) }
            }
        }
        var holders = try given()
        // 900 codes are valid on the messages' day; the 100 that expire the day before stay free for ever.
        #expect(holders.count == 900)
        #expect(Set(holders.map(\.code)).count == 900)
        #expect(holders.allSatisfy { $0.text.contains($0.code) && !CouponSlots.hasSlots($0.text) })
        #expect(holders.allSatisfy { Int($0.code.dropFirst(3))! >= 100 })
        let messageCodes = try first.writer.read { db in
            try String.fetchAll(db, sql: "SELECT coupon_code FROM message WHERE coupon_code IS NOT NULL")
        }
        #expect(messageCodes.count == 900 && Set(messageCodes).count == 900)
        var pools = try first.couponPools(today: Self.day, since: Self.now.addingTimeInterval(-7 * 86_400))
        #expect(pools.count == 1)
        #expect(pools[0].free == 0 && pools[0].given == 900 && pools[0].held == 4_100)
        let held = try first.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE status = 'deferred' AND reason_code = 'coupon_pool_empty'")
        }
        #expect(held == 4_100)
        let heldReceipts = try first.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipt_event WHERE status = 'deferred' AND reason_code = 'coupon_pool_empty'")
        }
        #expect(heldReceipts == 4_100)

        // 200 messages expire unsent (and 100 are sent, which keep theirs): the 200 codes go back to the pool.
        let expiring = holders.prefix(200).map { MessageKey(parsing: $0.key)! }
        let sent = holders.dropFirst(200).prefix(100).map { MessageKey(parsing: $0.key)! }
        try second.record(expiring.map { DispatchOutcome(key: $0, status: .expired, reasonCode: "past_valid_until") }
                          + sent.map { DispatchOutcome(key: $0, status: .sent, providerID: "p-\($0.customer)") }, at: Self.now)
        pools = try first.couponPools(today: Self.day, since: Self.now.addingTimeInterval(-7 * 86_400))
        #expect(pools[0].free == 200 && pools[0].given == 700)
        #expect(try first.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE status = 'expired' AND coupon_code IS NOT NULL")
        } == 0)

        // The next cycle gives the returned codes to the oldest held messages, once each; the rest stay held.
        let refill = try first.giveHeldCoupons(at: Self.now.addingTimeInterval(60))
        #expect(refill.given == 200 && refill.stillHeld == 3_900 && refill.expired == 0)
        holders = try given()
        #expect(holders.count == 900 && Set(holders.map(\.code)).count == 900)
        #expect(Set(holders.map(\.key)).isDisjoint(with: expiring.map(\.description)))
        // A second pass with nothing free changes nothing (and writes no second `deferred` receipt).
        #expect(try second.giveHeldCoupons(at: Self.now.addingTimeInterval(120)).given == 0)
        #expect(try first.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipt_event WHERE status = 'deferred'")
        } == 4_100)

        // Past their time, held messages expire with a receipt, and never take a code.
        let late = try first.giveHeldCoupons(at: Self.now.addingTimeInterval(7_200))
        #expect(late.expired == 3_900 && late.given == 0)
        pools = try first.couponPools(today: Self.day, since: Self.now.addingTimeInterval(-7 * 86_400))
        #expect(pools[0].held == 0 && pools[0].given == 900 && pools[0].lapsed == 100)
    }
}
