import BeckonCore
import Foundation
import GRDB

/// A coupon pool as `beckon status` and `beckon check` see it.
public struct CouponPoolStatus: Hashable, Sendable {
    public var pool: String
    /// Codes nobody holds that are still valid today (in the configured zone).
    public var free: Int
    /// Codes held by messages (scheduled, sent or delivered: a sent message keeps its code).
    public var given: Int
    /// Codes nobody took before their last valid day passed.
    public var lapsed: Int
    /// Codes given in the rate window (`beckon status`'s planned rate), and messages held for lack of a code.
    public var givenRecently: Int
    public var held: Int
    /// The code that prices the pool's messages highest (the longest), for `check`'s segment counts.
    public var longest: Coupon

    public var outlook: CouponOutlook { CouponOutlook(pool: pool, free: free, givenInRateWindow: givenRecently, held: held) }
}

extension SQLiteStore {
    // MARK: Import

    /// Where each of these codes already is: `pool \u{1F} code` -> the `FILE:LINE` that brought it.
    public func couponSources(among coupons: [Coupon]) throws -> [String: String] {
        guard !coupons.isEmpty else { return [:] }
        return try writer.read { db in
            var found: [String: String] = [:]
            let pairs = JSONString.array(coupons.map { $0.pool + "\u{1F}" + $0.code })
            for row in try Row.fetchAll(db, sql: """
                SELECT pool, code, source FROM coupon WHERE pool || char(31) || code IN (SELECT value FROM json_each(?))
                """, arguments: [pairs]) {
                found[(row["pool"] as String) + "\u{1F}" + (row["code"] as String)] = row["source"]
            }
            return found
        }
    }

    /// Adds a batch's codes, free. A code already in its pool keeps its first row (the processor reported the
    /// others as row errors before committing; this is the schema's guarantee, not the report).
    static func insertCoupons(_ coupons: [ImportedCoupon], file: String, in db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO coupon (pool, code, expires_on, source) VALUES (?, ?, ?, ?) ON CONFLICT (pool, code) DO NOTHING
            """)
        for row in coupons {
            try insert.execute(arguments: [row.coupon.pool, row.coupon.code, row.coupon.expiresOn.description, "\(file):\(row.line)"])
        }
    }

    // MARK: Giving codes

    /// Takes one free code for the message `key`, in one statement: the soonest-expiring code of the pool that
    /// is still valid on `request.validThrough` (short-lived codes go first, so fewer lapse unused). Nil when
    /// the pool has none. Called inside the transaction that writes the message's ledger row, so the row and
    /// its code land together or not at all; the statement runs under SQLite's one write lock, and UNIQUE
    /// (message_key) means no key ever holds two codes, whichever process plans it.
    static func takeCoupon(for key: String, _ request: CouponRequest, at now: Date, in db: Database) throws -> Coupon? {
        var take = BoundStatement(try db.cachedStatement(sql: """
            UPDATE coupon SET message_key = ?, given_at = ?
            WHERE rowid = (SELECT rowid FROM coupon INDEXED BY coupon_free
                           WHERE pool = ? AND message_key IS NULL AND expires_on >= ? ORDER BY expires_on, code LIMIT 1)
            RETURNING code, expires_on
            """))
        take.bind(key)
        take.bind(now.timeIntervalSince1970)
        take.bind(request.pool)
        take.bind(request.validThrough.description)
        return try take.first(in: db) { columns in
            Coupon(pool: request.pool, code: columns.text(0) ?? "",
                   expiresOn: columns.text(1).flatMap(LocalDate.init(iso:)) ?? request.validThrough)
        }
    }

    /// Gives a message that was just written (or was held) its code: the text with the code in, its segments
    /// counted again, `scheduled`. Without a code it is held (`deferred`, `coupon_pool_empty`, a receipt) and
    /// planned again when codes arrive. Returns the final text, or nil when held or dropped.
    static func giveCoupon(to key: String, text: String, _ request: CouponRequest, at now: Date, in db: Database) throws -> String? {
        guard let coupon = try takeCoupon(for: key, request, at: now, in: db) else {
            try db.cachedStatement(sql: """
                UPDATE message SET status = 'deferred', reason_code = ?, coupon_pool = ?, coupon_through = ?, updated_at = ?
                WHERE key = ? AND status IN ('scheduled', 'deferred')
                """).execute(arguments: [CouponRequest.poolEmpty, request.pool, request.validThrough.description,
                                         now.timeIntervalSince1970, key])
            try appendReceipt(key: key, status: .deferred, at: now, in: db)
            return nil
        }
        return try fill(key, text: text, with: coupon, request, at: now, in: db)
    }

    /// The message `key` with `coupon` (just taken for it) in its text, `scheduled`; nil when its template
    /// cannot take the code (then dropped, and the code goes back).
    static func fill(_ key: String, text: String, with coupon: Coupon, _ request: CouponRequest, at now: Date,
                     in db: Database) throws -> String? {
        let filled: String
        do { filled = try CouponSlots.fill(text, with: coupon) } catch {
            // A filter that cannot take this code (`{{coupon | number}}`): the message cannot go, the code goes back.
            try db.cachedStatement(sql: "UPDATE message SET coupon_code = ?, coupon_pool = ? WHERE key = ?")
                .execute(arguments: [coupon.code, request.pool, key])
            try db.cachedStatement(sql: "UPDATE message SET status = 'dropped', reason_code = 'template_error', updated_at = ? WHERE key = ?")
                .execute(arguments: [now.timeIntervalSince1970, key])
            try appendReceipt(key: key, status: .dropped, at: now, in: db)
            return nil
        }
        let count = SegmentCounter.count(filled)
        try db.cachedStatement(sql: """
            UPDATE message SET text = ?, segments = ?, encoding = ?, coupon_pool = ?, coupon_through = ?, coupon_code = ?,
                status = 'scheduled', reason_code = NULL, updated_at = ?
            WHERE key = ?
            """).execute(arguments: [filled, count.segments, count.encoding.rawValue, request.pool, request.validThrough.description,
                                     coupon.code, now.timeIntervalSince1970, key])
        return filled
    }

    /// What `giveHeldCoupons` did.
    public struct HeldCoupons: Hashable, Sendable {
        public var given = 0
        public var expired = 0
        public var stillHeld = 0

        public init() {}
    }

    /// Messages held for an empty pool: those whose time ran out are expired (with their receipt), the rest take
    /// a code if one arrived, oldest send time first. One transaction; cheap when nothing is held (an index).
    public func giveHeldCoupons(at now: Date) throws -> HeldCoupons {
        try writer.write { db in
            var result = HeldCoupons()
            let heldWhere = "status = 'deferred' AND reason_code = '\(CouponRequest.poolEmpty)'"
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM message INDEXED BY message_coupon_held WHERE \(heldWhere))") == true
            else { return result }
            let stale = try String.fetchAll(db, sql: """
                SELECT key FROM message INDEXED BY message_coupon_held WHERE \(heldWhere) AND valid_until <= ?
                """, arguments: [now.timeIntervalSince1970])
            for key in stale {
                try db.execute(sql: "UPDATE message SET status = 'expired', reason_code = 'past_valid_until', updated_at = ? WHERE key = ?",
                               arguments: [now.timeIntervalSince1970, key])
                try Self.appendReceipt(key: key, status: .expired, at: now, in: db)
            }
            result.expired = stale.count
            let withCodes = Set(try String.fetchAll(db, sql: "SELECT DISTINCT pool FROM coupon WHERE message_key IS NULL"))
            let rows = try Row.fetchAll(db, sql: """
                SELECT key, text, coupon_pool, coupon_through FROM message INDEXED BY message_coupon_held
                WHERE \(heldWhere) ORDER BY send_at, key
                """)
            for row in rows {
                let pool: String = row["coupon_pool"] ?? ""
                // Still no code: it stays held, without a second `deferred` receipt.
                guard withCodes.contains(pool), let through = (row["coupon_through"] as String?).flatMap(LocalDate.init(iso:)),
                      let coupon = try Self.takeCoupon(for: row["key"], CouponRequest(pool: pool, validThrough: through), at: now, in: db)
                else {
                    result.stillHeld += 1
                    continue
                }
                if try Self.fill(row["key"], text: row["text"], with: coupon, CouponRequest(pool: pool, validThrough: through),
                            at: now, in: db) != nil {
                    result.given += 1
                }
            }
            return result
        }
    }

    // MARK: Status

    /// Every pool the store has seen. `today` is the configured zone's day (a code valid through it is free);
    /// `since` opens the window whose given codes are the planned rate.
    public func couponPools(today: LocalDate, since: Date) throws -> [CouponPoolStatus] {
        try writer.read { db in
            var held: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT coupon_pool, COUNT(*) AS n FROM message INDEXED BY message_coupon_held
                WHERE status = 'deferred' AND reason_code = '\(CouponRequest.poolEmpty)' GROUP BY coupon_pool
                """) {
                held[row["coupon_pool"] ?? ""] = row["n"]
            }
            // SQLite takes the bare columns (code, expires_on) from the row with the MAX.
            return try Row.fetchAll(db, sql: """
                SELECT pool, code, expires_on, MAX(length(code)),
                       SUM(message_key IS NULL AND expires_on >= ?1) AS free, SUM(message_key IS NOT NULL) AS given,
                       SUM(message_key IS NULL AND expires_on < ?1) AS lapsed, SUM(given_at >= ?2) AS recent
                FROM coupon GROUP BY pool ORDER BY pool
                """, arguments: [today.description, since.timeIntervalSince1970]).map { row in
                let pool: String = row["pool"]
                return CouponPoolStatus(pool: pool, free: row["free"], given: row["given"], lapsed: row["lapsed"],
                                        givenRecently: row["recent"] ?? 0, held: held[pool] ?? 0,
                                        longest: Coupon(pool: pool, code: row["code"],
                                                        expiresOn: LocalDate(iso: row["expires_on"] as String) ?? today))
            }
        }
    }
}
