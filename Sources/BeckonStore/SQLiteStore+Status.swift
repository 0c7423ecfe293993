import BeckonCore
import Foundation
import GRDB

/// What `beckon status` reads from the ledger, in one read transaction (a consistent picture beside a
/// running daemon). Every query is bounded by an index or by a recent time range.
public struct LedgerStatus: Hashable, Sendable {
    public var messagesByStatus: [String: Int] = [:]
    public var nextSendAt: Date?
    /// Messages the gateways took in the last minute, by the channel that took them.
    public var sentLastMinute: [String: Int] = [:]
    /// Messages claimed and not answered yet, by channel.
    public var inFlight: [String: Int] = [:]
    /// The newest `failed` receipt of the last day.
    public var lastFailure: Failure?
    /// The newest delivery report (delivered or undelivered) received.
    public var lastReportAt: Date?
    /// Per reporting channel: the oldest message still waiting for its delivery report, and how many wait.
    public var awaitingReports: [String: AwaitingReports] = [:]
    public var lastImport: Import?

    public struct Failure: Hashable, Sendable {
        public var key: String
        public var reasonCode: String
        public var providerCode: String
        public var at: Date
    }

    public struct AwaitingReports: Hashable, Sendable {
        public var count: Int
        public var oldestSentAt: Date
    }

    public struct Import: Hashable, Sendable {
        public var name: String
        public var rows: Int
        public var rejectedRows: Int
        public var at: Date
    }
}

extension SQLiteStore {
    /// - Parameter reportingChannels: the channels whose gateways send delivery reports (`kannel`, `http`).
    public func ledgerStatus(at now: Date, reportingChannels: Set<String>) throws -> LedgerStatus {
        try writer.read { db in
            var status = LedgerStatus()
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM message GROUP BY status") {
                status.messagesByStatus[row["status"]] = row["n"]
            }
            status.nextSendAt = try Double.fetchOne(db, sql: "SELECT MIN(send_at) FROM message WHERE status = 'scheduled'")
                .map(Date.init(timeIntervalSince1970:))
            for row in try Row.fetchAll(db, sql: """
                SELECT m.channel AS channel, COUNT(*) AS n FROM receipt_event e JOIN message m ON m.key = e.key
                WHERE e.event_at >= ? AND e.status IN ('sent', 'queued') GROUP BY m.channel
                """, arguments: [now.timeIntervalSince1970 - 60]) {
                status.sentLastMinute[row["channel"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT channel, COUNT(*) AS n FROM message WHERE status = 'pending' GROUP BY channel") {
                status.inFlight[row["channel"]] = row["n"]
            }
            if let row = try Row.fetchOne(db, sql: """
                SELECT key, COALESCE(reason_code, '') AS reason, COALESCE(provider_code, '') AS code, event_at FROM receipt_event
                WHERE event_at >= ? AND status = 'failed' ORDER BY event_at DESC LIMIT 1
                """, arguments: [now.timeIntervalSince1970 - 86_400]) {
                status.lastFailure = .init(key: row["key"], reasonCode: row["reason"], providerCode: row["code"],
                                           at: Date(timeIntervalSince1970: row["event_at"]))
            }
            // Walks the time index backwards to the first report.
            status.lastReportAt = try Double.fetchOne(db, sql: """
                SELECT event_at FROM receipt_event WHERE status IN ('delivered', 'undelivered') ORDER BY event_at DESC LIMIT 1
                """).map(Date.init(timeIntervalSince1970:))
            if !reportingChannels.isEmpty {
                for row in try Row.fetchAll(db, sql: """
                    SELECT channel, COUNT(*) AS n, MIN(updated_at) AS oldest FROM message
                    WHERE status IN ('sent', 'queued') AND channel IN (SELECT value FROM json_each(?)) GROUP BY channel
                    """, arguments: [Self.jsonArray(reportingChannels.sorted())]) {
                    status.awaitingReports[row["channel"]] = .init(count: row["n"], oldestSentAt: Date(timeIntervalSince1970: row["oldest"]))
                }
            }
            if let row = try Row.fetchOne(db, sql: "SELECT name, rows, rejected_rows, imported_at FROM imported_file ORDER BY imported_at DESC LIMIT 1") {
                status.lastImport = .init(name: row["name"], rows: row["rows"], rejectedRows: row["rejected_rows"],
                                          at: Date(timeIntervalSince1970: row["imported_at"]))
            }
            return status
        }
    }
}
