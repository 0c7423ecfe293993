import BeckonCore
import BeckonStore
import Foundation
import GRDB
import Testing
@testable import BeckonInbox

@Suite("Inbox: coupons files (pool, code, expires_on)")
struct CouponInboxTests {
    @Test("bad rows, duplicates in the file and across files, and codes expired on arrival are row errors; the rest are free codes")
    func rowErrors() throws {
        let fixture = try InboxFixture()
        try fixture.write("""
            pool,code,expires_on
            spring,SPR-1,2027-04-30
            spring,,2027-04-30
            spring,SPR-2,30 April
            spring,SPR-1,2027-05-31
            spring,SPR 3,2027-04-30
            ,SPR-4,2027-04-30
            spring,SPR-5,2026-11-01
            autumn,SPR-1,2027-04-30

            """, as: "coupons-spring.csv")
        let outcome = try #require(fixture.run().first)
        #expect(outcome.kind == .imported && outcome.detail.hasPrefix("coupons by name"))
        #expect(outcome.rows == 8 && outcome.rejectedRows == 6)
        let errors = try fixture.read("rejected/coupons-spring.csv.errors.csv")
        #expect(errors.contains("3,code,,empty code"))
        #expect(errors.contains("4,expires_on,30 April,not a date (YYYY-MM-DD)"))
        #expect(errors.contains("5,code,SPR-1,duplicate code: pool 'spring' already has it (line 2 of this file); a code is given once"))
        #expect(errors.contains("6,code,SPR 3,"))
        #expect(errors.contains("7,pool,,empty pool"))
        #expect(errors.contains("8,expires_on,2026-11-01,expired on arrival"))
        // Another file, by header: a code already in the pool names the row that brought it.
        try fixture.write("campaign,code,expires_on\nspring,SPR-1,2027-04-30\nspring,SPR-9,2027-04-30\n", as: "vouchers.csv")
        let second = try #require(fixture.run().first)
        #expect(second.kind == .imported && second.rows == 2 && second.rejectedRows == 1)
        #expect(try fixture.read("rejected/vouchers.csv.errors.csv").contains("already has it (coupons-spring.csv:2)"))
        let pools = try fixture.store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT pool, code FROM coupon ORDER BY pool, code").map { "\($0["pool"] as String):\($0["code"] as String)" }
        }
        #expect(pools == ["autumn:SPR-1", "spring:SPR-1", "spring:SPR-9"])
    }
}
