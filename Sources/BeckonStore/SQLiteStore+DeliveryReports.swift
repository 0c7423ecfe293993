import BeckonCore
import Foundation
import GRDB

/// One delivery report as a gateway sent it, already mapped to a ledger status.
public struct DeliveryReport: Hashable, Sendable {
    public var channel: String
    /// Beckon's key when the gateway echoes it (Kannel's dlr-url carries it); otherwise nil.
    public var key: MessageKey?
    /// The provider's message id: how generic gateways name the message, and Kannel one part of it.
    public var providerID: String?
    /// Which part of a multipart message the report is about, for gateways that report parts one by one;
    /// empty for a report about the whole message (Kannel combines its parts' reports itself).
    public var part: String
    public var status: MessageStatus
    public var providerCode: String
    public var at: Date
    /// What the channel's failure-code table makes of `providerCode` for a failed report (nil: not classified);
    /// applying the report records it for number hygiene in the same transaction.
    public var failureClass: FailureClass?

    public init(channel: String, key: MessageKey? = nil, providerID: String? = nil, part: String = "", status: MessageStatus,
                providerCode: String = "", at: Date, failureClass: FailureClass? = nil) {
        self.failureClass = failureClass
        self.part = part
        self.channel = channel
        self.key = key
        self.providerID = providerID
        self.status = status
        self.providerCode = providerCode
        self.at = at
    }
}

/// What a report did to the ledger.
public enum DeliveryReportResult: Hashable, Sendable {
    /// The message moved to a new state (and got a receipt).
    case applied(MessageKey, MessageStatus)
    /// Recorded, but the message's state stands: a late or out-of-order report, or a part of several.
    case noChange(MessageKey, MessageStatus)
    /// Held: the message is still `pending` (its batch's outcome not recorded yet); recording the outcome
    /// writes the `sent` event and then this state.
    case held(MessageKey, MessageStatus)
    /// The same report again.
    case duplicate(MessageKey)
    /// No message with that key or provider id on that channel. A report by provider id is kept for an hour
    /// all the same: a fast gateway reports before its reply to the send (which carries the id) is recorded,
    /// and recording that reply then applies it.
    case unknownMessage
}

extension SQLiteStore {
    /// Applies a delivery report in one transaction: deduplicated by (channel, message, part, status), and
    /// moved as `LedgerTransition.report` says (never downgrading a state, held while the message is in
    /// flight); for a multipart message `delivered` only once every part is.
    public func apply(_ report: DeliveryReport) throws -> DeliveryReportResult {
        try writer.write { db in try Self.apply(report, in: db) }
    }

    /// How long a report by provider id waits for its message's send to be recorded.
    static let earlyReportSeconds: TimeInterval = 3600

    static func apply(_ report: DeliveryReport, in db: Database) throws -> DeliveryReportResult {
        let columns = "key, status, segments, held_report_status"
        let row: Row?
        if let key = report.key {
            row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM message WHERE key = ?", arguments: [key.description])
        } else if let id = report.providerID {
            row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM message WHERE channel = ? AND provider_id = ?",
                                   arguments: [report.channel, id])
        } else {
            row = nil
        }
        guard let row, let current = MessageStatus(rawValue: row["status"]) else {
            if report.key == nil, let id = report.providerID { try keepEarly(report, providerID: id, in: db) }
            return .unknownMessage
        }
        let keyText: String = row["key"]
        let key = Self.parseKey(keyText)
        try db.execute(sql: """
            INSERT INTO delivery_report (channel, message_key, part, status, provider_code, received_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """, arguments: [report.channel, keyText, report.part, report.status.rawValue, report.providerCode,
                             report.at.timeIntervalSince1970])
        guard db.changesCount > 0 else { return .duplicate(key) }

        var recorded: [(part: String, status: MessageStatus)] = []
        if !report.part.isEmpty {
            for r in try Row.fetchAll(db, sql: "SELECT part, status FROM delivery_report WHERE channel = ? AND message_key = ?",
                                       arguments: [report.channel, keyText]) {
                let part: String = r["part"]
                if let status = MessageStatus(rawValue: r["status"]) { recorded.append((part: part, status: status)) }
            }
        }
        let reported = DeliveryReportStatus.combined(report: report.status, part: report.part, recorded: recorded,
                                                     segments: row["segments"])
        let held = (row["held_report_status"] as String?).flatMap(MessageStatus.init(rawValue:))
        switch LedgerTransition.report(reported, current: current, held: held) {
        case .stand:
            return .noChange(key, current)
        case .hold(let status):
            try recordFailure(of: report, key: key, status: status, in: db)
            // Kannel's provider id (%F) is known only from its reports: kept now, as a later report would.
            try db.execute(sql: """
                UPDATE message SET held_report_status = ?, held_report_code = ?, provider_id = COALESCE(provider_id, ?)
                WHERE key = ?
                """, arguments: [status.rawValue, report.providerCode, report.providerID, keyText])
            return .held(key, status)
        case .advance(let status, let events):
            try db.execute(sql: """
                UPDATE message SET status = ?, provider_code = ?, provider_id = COALESCE(provider_id, ?), updated_at = ? WHERE key = ?
                """, arguments: [status.rawValue, report.providerCode, report.providerID, report.at.timeIntervalSince1970, keyText])
            for event in events {
                // The `sent` a report proves for a message left unknown or put back for a retry says so.
                try Self.appendReceipt(key: keyText, status: event, at: report.at,
                                       reasonCode: event == status ? nil : LedgerTransition.confirmedByReport, in: db)
            }
            try recordFailure(of: report, key: key, status: status, in: db)
            return .applied(key, status)
        }
    }

    /// A failed report's classified code, for number hygiene (a report that fails nothing records nothing).
    static func recordFailure(of report: DeliveryReport, key: MessageKey, status: MessageStatus, in db: Database) throws {
        guard status == .undelivered || status == .failed, let failureClass = report.failureClass else { return }
        try record(ClassifiedFailure(key: key, channel: report.channel, failureClass: failureClass, code: report.providerCode),
                   at: report.at, in: db)
    }

    /// Keeps a report whose provider id no message has yet (see `unknownMessage`), and forgets old ones.
    static func keepEarly(_ report: DeliveryReport, providerID: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM early_report WHERE received_at < ?",
                       arguments: [report.at.timeIntervalSince1970 - earlyReportSeconds])
        try db.execute(sql: """
            INSERT INTO early_report (channel, provider_id, part, status, provider_code, received_at, failure_class)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """, arguments: [report.channel, providerID, report.part, report.status.rawValue, report.providerCode,
                             report.at.timeIntervalSince1970, report.failureClass?.rawValue])
    }

    /// Applies the reports that came before these provider ids were recorded, in the order they came, and
    /// forgets them. Called by the outcome writer in its transaction, after the outcomes' own events.
    static func applyEarlyReports(providerIDs: [String], at now: Date, in db: Database) throws {
        // Cached: this runs for every chunk of outcomes, and the table is empty nearly always.
        guard !providerIDs.isEmpty, try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM early_report)")) == true else {
            return
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT channel, provider_id, part, status, provider_code, received_at, failure_class FROM early_report
            WHERE provider_id IN (\(databaseQuestionMarks(count: providerIDs.count))) ORDER BY received_at
            """, arguments: StatementArguments(providerIDs))
        for row in rows {
            guard let status = MessageStatus(rawValue: row["status"]) else { continue }
            // At the outcome's time, not the report's: the events follow the send's, in time as in sequence.
            let received = Date(timeIntervalSince1970: row["received_at"])
            let result = try apply(DeliveryReport(channel: row["channel"], providerID: row["provider_id"], part: row["part"], status: status,
                                                  providerCode: row["provider_code"], at: max(received, now),
                                                  failureClass: (row["failure_class"] as String?).flatMap(FailureClass.init(rawValue:))), in: db)
            // The same id on another channel is not this report's message: it waits on.
            guard result != .unknownMessage else { continue }
            try db.execute(sql: "DELETE FROM early_report WHERE channel = ? AND provider_id = ? AND part = ? AND status = ?",
                           arguments: [row["channel"] as String, row["provider_id"] as String, row["part"] as String, row["status"] as String])
        }
    }

    static func parseKey(_ text: String) -> MessageKey {
        MessageKey(parsing: text) ?? MessageKey(campaign: text, wave: 0, customer: "", localDate: LocalDate(dayNumber: 0))
    }
}
