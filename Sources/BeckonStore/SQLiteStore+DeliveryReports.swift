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

    public init(channel: String, key: MessageKey? = nil, providerID: String? = nil, part: String = "", status: MessageStatus,
                providerCode: String = "", at: Date) {
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
    /// The same report again.
    case duplicate(MessageKey)
    /// No message with that key or provider id on that channel.
    case unknownMessage
}

extension SQLiteStore {
    /// Applies a delivery report in one transaction: deduplicated by (channel, message, part, status),
    /// never downgrading a state, and for a multipart message `delivered` only once every part is.
    public func apply(_ report: DeliveryReport) throws -> DeliveryReportResult {
        try writer.write { db in
            let row: Row?
            if let key = report.key {
                row = try Row.fetchOne(db, sql: "SELECT key, status, segments FROM message WHERE key = ?", arguments: [key.description])
            } else if let id = report.providerID {
                row = try Row.fetchOne(db, sql: "SELECT key, status, segments FROM message WHERE channel = ? AND provider_id = ?",
                                       arguments: [report.channel, id])
            } else {
                row = nil
            }
            guard let row, let current = MessageStatus(rawValue: row["status"]) else { return .unknownMessage }
            let keyText: String = row["key"]
            let key = Self.parseKey(keyText)
            let part = report.part
            try db.execute(sql: """
                INSERT INTO delivery_report (channel, message_key, part, status, provider_code, received_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [report.channel, keyText, part, report.status.rawValue, report.providerCode, report.at.timeIntervalSince1970])
            guard db.changesCount > 0 else { return .duplicate(key) }

            // Each part's most advanced state; parts not heard from yet count as where the message stands.
            let segments: Int = row["segments"]
            var parts: [String: MessageStatus] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT part, status FROM delivery_report WHERE channel = ? AND message_key = ?",
                                       arguments: [report.channel, keyText]) {
                guard let status = MessageStatus(rawValue: r["status"]) else { continue }
                let name: String = r["part"]
                parts[name] = parts[name].map { DeliveryReportStatus.merge(current: $0, report: status) } ?? status
            }
            let combined: MessageStatus
            if part.isEmpty {
                combined = report.status
            } else {
                // Reported part by part: delivered once every part is; parts not heard from yet stand at `sent`.
                var states = parts.filter { !$0.key.isEmpty }.map(\.value)
                if states.count < segments { states += Array(repeating: .sent, count: segments - states.count) }
                combined = DeliveryReportStatus.combine(parts: states) ?? report.status
            }
            let next = DeliveryReportStatus.merge(current: current, report: combined)
            guard next != current else { return .noChange(key, current) }
            try db.execute(sql: """
                UPDATE message SET status = ?, provider_code = ?, provider_id = COALESCE(provider_id, ?), updated_at = ? WHERE key = ?
                """, arguments: [next.rawValue, report.providerCode, report.providerID, report.at.timeIntervalSince1970, keyText])
            try Self.appendReceipt(key: keyText, status: next, at: report.at, in: db)
            return .applied(key, next)
        }
    }

    static func parseKey(_ text: String) -> MessageKey {
        MessageKey(parsing: text) ?? MessageKey(campaign: text, wave: 0, customer: "", localDate: LocalDate(dayNumber: 0))
    }
}
