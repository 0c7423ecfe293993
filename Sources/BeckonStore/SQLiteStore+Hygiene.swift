import BeckonCore
import Foundation
import GRDB

/// A failed message's code as its channel classified it, for number hygiene.
public struct ClassifiedFailure: Hashable, Sendable {
    public var key: MessageKey
    public var channel: String
    public var failureClass: FailureClass
    public var code: String

    public init(key: MessageKey, channel: String, failureClass: FailureClass, code: String) {
        self.key = key
        self.channel = channel
        self.failureClass = failureClass
        self.code = code
    }
}

/// A campaign variant whose text carriers refused (`content_blocked`), over some period.
public struct ContentBlock: Hashable, Sendable {
    public var campaign: String
    public var variant: String
    public var count: Int
    public var lastCode: String
    public var lastAt: Date
}

extension SQLiteStore {
    /// Records failures and applies the hygiene rules, in one transaction.
    public func recordFailures(_ failures: [ClassifiedFailure], at now: Date) throws {
        guard failures.contains(where: { NumberHygiene.isRecorded($0.failureClass) }) else { return }
        try writer.write { db in
            for failure in failures { _ = try Self.record(failure, at: now, in: db) }
        }
    }

    /// Records one failure of a message in the ledger (inside the caller's transaction) and does what
    /// `NumberHygiene` says: nothing for throttled and transient codes; a suppression by phone only, so that a
    /// customer whose number changes is not held back by the old number's failure.
    @discardableResult
    static func record(_ failure: ClassifiedFailure, at now: Date, in db: Database) throws -> NumberHygiene.Action? {
        guard NumberHygiene.isRecorded(failure.failureClass) else { return nil }
        let key = failure.key.description
        guard let message = try Row.fetchOne(db, sql: "SELECT phone, customer_id, campaign, variant FROM message WHERE key = ?",
                                             arguments: [key]) else { return nil }
        let current = NumberFailure(phone: message["phone"], customerID: message["customer_id"], channel: failure.channel,
                                    failureClass: failure.failureClass, code: failure.code, messageKey: key,
                                    campaign: message["campaign"], variant: message["variant"], at: now)
        try db.execute(sql: """
            INSERT INTO number_failure (phone, customer_id, channel, failure_class, code, message_key, campaign, variant, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """, arguments: [current.phone, current.customerID, current.channel, current.failureClass.rawValue, current.code, key,
                             current.campaign, current.variant, now.timeIntervalSince1970])
        guard db.changesCount > 0 else { return nil }  // the same failure reported again
        let earlier = try Row.fetchAll(db, sql: """
            SELECT failure_class, code, message_key, channel, at FROM number_failure
            WHERE phone = ? AND at > ? AND message_key <> ?
            """, arguments: [current.phone, now.addingTimeInterval(-NumberHygiene.recheckAfter).timeIntervalSince1970, key]).compactMap { row in
            FailureClass(rawValue: row["failure_class"]).map {
                NumberFailure(phone: current.phone, customerID: current.customerID, channel: row["channel"], failureClass: $0,
                              code: row["code"], messageKey: row["message_key"], campaign: "", at: Date(timeIntervalSince1970: row["at"]))
            }
        }
        let lastDelivered = try Double.fetchOne(db, sql: """
            SELECT MAX(updated_at) FROM message INDEXED BY message_customer WHERE customer_id = ? AND phone = ? AND status = 'delivered'
            """, arguments: [current.customerID, current.phone]).map(Date.init(timeIntervalSince1970:))
        let action = NumberHygiene.action(for: current, earlier: earlier, lastDelivered: lastDelivered)
        guard case .suppress(let failureClass, let since, let lapsesAt) = action else { return action }
        try db.execute(sql: "UPDATE number_failure SET suppressed = 1, lapses_at = ? WHERE message_key = ? AND failure_class = ?",
                       arguments: [lapsesAt?.timeIntervalSince1970, key, failureClass.rawValue])
        // One hygiene row per number: a later suppression replaces the earlier one (and restarts its re-check).
        try db.execute(sql: """
            INSERT INTO suppression (phone, customer_id, category, sender, source, detail, at, failure_class, lapses_at)
            VALUES (?, '', '', '', 'hard_failure', ?, ?, ?, ?)
            ON CONFLICT (phone, customer_id, category, sender, source) DO UPDATE SET
                detail = excluded.detail, at = excluded.at, failure_class = excluded.failure_class, lapses_at = excluded.lapses_at
            """, arguments: [current.phone, "code \(failure.code) on channel \(failure.channel) for \(key)", since.timeIntervalSince1970,
                             failureClass.rawValue, lapsesAt?.timeIntervalSince1970])
        return action
    }

    /// The campaign variants carriers refused as content since `start`, most refused first.
    public func contentBlocks(since start: Date, until end: Date = .distantFuture) throws -> [ContentBlock] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT campaign, variant, COUNT(*) AS n, MAX(at) AS last_at,
                       (SELECT code FROM number_failure f2 WHERE f2.campaign = f.campaign AND f2.variant = f.variant
                          AND f2.failure_class = 'content_blocked' ORDER BY at DESC LIMIT 1) AS last_code
                FROM number_failure f INDEXED BY number_failure_time
                WHERE failure_class = 'content_blocked' AND at >= ? AND at < ?
                GROUP BY campaign, variant ORDER BY n DESC, campaign, variant
                """, arguments: [start.timeIntervalSince1970, min(end, Date(timeIntervalSince1970: 1e12)).timeIntervalSince1970]).map { row in
                ContentBlock(campaign: row["campaign"], variant: row["variant"], count: row["n"], lastCode: row["last_code"] ?? "",
                             lastAt: Date(timeIntervalSince1970: row["last_at"]))
            }
        }
    }
}

/// A failure that made a suppression, with the failures behind it (the number's, in the 90 days up to it).
public struct HygieneSuppressionRow: Hashable, Sendable {
    public var failure: NumberFailure
    public var lapsesAt: Date?
    /// Oldest first, this failure included.
    public var behind: [NumberFailure]
}

extension SQLiteStore {
    /// The suppressions made in `interval` and those that lapsed in it, oldest first.
    public func hygieneSuppressions(in interval: DateInterval) throws -> (made: [HygieneSuppressionRow], lapsed: [HygieneSuppressionRow]) {
        try writer.read { db in
            func failure(_ row: Row) -> NumberFailure? {
                FailureClass(rawValue: row["failure_class"]).map {
                    NumberFailure(phone: row["phone"], customerID: row["customer_id"], channel: row["channel"], failureClass: $0,
                                  code: row["code"], messageKey: row["message_key"], campaign: row["campaign"], variant: row["variant"],
                                  at: Date(timeIntervalSince1970: row["at"]))
                }
            }
            func rows(_ column: String) throws -> [HygieneSuppressionRow] {
                let sql = "SELECT * FROM number_failure WHERE suppressed = 1 AND \(column) >= ? AND \(column) < ? ORDER BY \(column), phone"
                return try Row.fetchAll(db, sql: sql, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970])
                    .compactMap { row in
                        guard let made = failure(row) else { return nil }
                        let behind = try Row.fetchAll(db, sql: """
                            SELECT * FROM number_failure WHERE phone = ? AND failure_class = ? AND at > ? AND at <= ? ORDER BY at
                            """, arguments: [made.phone, made.failureClass.rawValue,
                                             made.at.addingTimeInterval(-NumberHygiene.recheckAfter).timeIntervalSince1970,
                                             made.at.timeIntervalSince1970]).compactMap(failure)
                        return HygieneSuppressionRow(failure: made, lapsesAt: (row["lapses_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                                                     behind: made.failureClass == .suspended ? behind : [made])
                    }
            }
            return (made: try rows("at"), lapsed: try rows("lapses_at"))
        }
    }
}
