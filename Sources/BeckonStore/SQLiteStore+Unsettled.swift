import BeckonCore
import Foundation
import GRDB

/// Messages that need an operator's eye: `unknown` (a crash hid whether they left) and overdue (sent or
/// queued, and no delivery report long after), for `/metrics`, `/healthz` and `beckon resolve`.
public struct UnsettledCounts: Hashable, Sendable {
    public var unknown: Int
    public var overdue: Int

    public init(unknown: Int, overdue: Int) {
        self.unknown = unknown
        self.overdue = overdue
    }
}

extension SQLiteStore {
    /// - Parameter overdueBefore: per channel, the instant before which a message sent through it and still
    ///   without a delivery report is overdue; channels not named (those that send no reports) have none.
    public func unsettledCounts(overdueBefore: [String: Date]) throws -> UnsettledCounts {
        try writer.read { db in
            let unknown = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE status = 'unknown'") ?? 0
            var overdue = 0
            // message_due (status, send_at) bounds the walk: a message is sent after its send time, so one sent
            // before the cutoff was also due before it; updated_at (when the send was recorded) decides.
            let statement = try db.cachedStatement(sql: """
                SELECT COUNT(*) FROM message
                WHERE status IN ('sent', 'queued') AND send_at < ? AND updated_at < ? AND channel = ?
                """)
            for (channel, cutoff) in overdueBefore {
                let seconds = cutoff.timeIntervalSince1970
                overdue += try Int.fetchOne(statement, arguments: [seconds, seconds, channel]) ?? 0
            }
            return UnsettledCounts(unknown: unknown, overdue: overdue)
        }
    }

    /// Keys of `unknown` messages, optionally of one campaign and one local occurrence date, in key order.
    public func unknownKeys(campaign: String?, localDate: LocalDate?) throws -> [MessageKey] {
        try writer.read { db in
            var sql = "SELECT campaign, wave, customer_id, local_date FROM message WHERE status = 'unknown'"
            var arguments: StatementArguments = []
            if let campaign {
                sql += " AND campaign = ?"
                arguments += [campaign]
            }
            if let localDate {
                sql += " AND local_date = ?"
                arguments += [localDate.description]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY key", arguments: arguments).map(Self.key(from:))
        }
    }
}
