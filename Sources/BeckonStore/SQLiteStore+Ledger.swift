import BeckonCore
import Foundation
import GRDB

extension SQLiteStore: MessageLedger {
    public func schedule(_ messages: [PlannedMessage], at now: Date) throws -> [PlannedMessage] {
        try writer.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO message (key, campaign, wave, customer_id, local_date, category, phone, channel, text,
                                     variant, reason, send_at, valid_until, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)
                ON CONFLICT(key) DO NOTHING
                """)
            var inserted: [PlannedMessage] = []
            for message in messages {
                try insert.execute(arguments: [
                    message.key.description, message.key.campaign, message.key.wave, message.key.customer,
                    message.key.localDate.description, message.category.rawValue, message.phone, message.channel,
                    message.text, message.variant, message.reason, message.sendAt.timeIntervalSince1970,
                    message.validUntil.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970,
                ])
                // The UNIQUE key decides: a message already in the ledger changes nothing.
                if db.changesCount > 0 { inserted.append(message) }
            }
            return inserted
        }
    }

    public func due(at now: Date, limit: Int) throws -> [LedgerEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM message WHERE status = 'scheduled' AND send_at <= ? ORDER BY send_at, key LIMIT ?
                """, arguments: [now.timeIntervalSince1970, limit]).map(Self.entry(from:))
        }
    }

    public func markPending(_ keys: [MessageKey], at now: Date) throws {
        try writer.write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE message SET status = 'pending', attempts = attempts + 1, updated_at = ?
                WHERE key = ? AND status = 'scheduled'
                """)
            for key in keys { try update.execute(arguments: [now.timeIntervalSince1970, key.description]) }
        }
    }

    public func record(_ outcomes: [DispatchOutcome], at now: Date) throws {
        try writer.write { db in
            for outcome in outcomes { try Self.record(outcome, at: now, in: db) }
        }
    }

    static func record(_ outcome: DispatchOutcome, at now: Date, in db: Database) throws {
        let key = outcome.key.description
        guard let current = try String.fetchOne(db, sql: "SELECT status FROM message WHERE key = ?", arguments: [key])
            .flatMap(MessageStatus.init(rawValue:)) else { return }
        // A final state never moves again (a late or duplicate report cannot downgrade it).
        if current.isFinal { return }
        let status = outcome.retryAt == nil ? outcome.status : .scheduled
        try db.execute(sql: """
            UPDATE message SET status = ?, provider_id = COALESCE(?, provider_id), provider_code = ?, reason_code = ?,
                segments = CASE WHEN ? > 0 THEN ? ELSE segments END,
                encoding = CASE WHEN ? <> '' THEN ? ELSE encoding END,
                send_at = COALESCE(?, send_at), updated_at = ?
            WHERE key = ?
            """, arguments: [
                status.rawValue, outcome.providerID, outcome.providerCode, outcome.reasonCode,
                outcome.segments, outcome.segments, outcome.encoding, outcome.encoding,
                outcome.retryAt?.timeIntervalSince1970, now.timeIntervalSince1970, key,
            ])
        // A retry is not a receipt: the message's story continues. Every other outcome is.
        if outcome.retryAt == nil {
            try db.execute(sql: """
                INSERT INTO receipt_event (key, status, provider_id, provider_code, reason_code, segments, encoding, event_at)
                SELECT key, status, provider_id, provider_code, reason_code, segments, encoding, ? FROM message WHERE key = ?
                """, arguments: [now.timeIntervalSince1970, key])
        }
    }

    public func pendingAfterCrash() throws -> [LedgerEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM message WHERE status = 'pending' ORDER BY key").map(Self.entry(from:))
        }
    }

    public func entry(for key: MessageKey) throws -> LedgerEntry? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM message WHERE key = ?", arguments: [key.description]).map(Self.entry(from:))
        }
    }

    public func receiptEvents(in interval: DateInterval) throws -> [ReceiptEvent] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.sequence, e.status, e.provider_id, e.provider_code, e.reason_code, e.segments, e.encoding,
                       e.event_at, m.key, m.campaign, m.wave, m.customer_id, m.local_date, m.channel, m.phone,
                       m.variant, m.send_at
                FROM receipt_event e JOIN message m ON m.key = e.key
                WHERE e.event_at >= ? AND e.event_at < ?
                ORDER BY e.sequence
                """, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970]).map { row in
                ReceiptEvent(
                    sequence: row["sequence"], key: Self.key(from: row), status: MessageStatus(rawValue: row["status"]) ?? .unknown,
                    channel: row["channel"], phone: row["phone"], variant: row["variant"], providerID: row["provider_id"],
                    providerCode: row["provider_code"], reasonCode: row["reason_code"], segments: row["segments"],
                    encoding: row["encoding"], plannedAt: Date(timeIntervalSince1970: row["send_at"]),
                    eventAt: Date(timeIntervalSince1970: row["event_at"]))
            }
        }
    }

    static func key(from row: Row) -> MessageKey {
        MessageKey(campaign: row["campaign"], wave: row["wave"], customer: row["customer_id"],
                   localDate: LocalDate(iso: row["local_date"] as String) ?? LocalDate(dayNumber: 0))
    }

    static func entry(from row: Row) -> LedgerEntry {
        let message = PlannedMessage(
            key: key(from: row), category: MessageCategory(rawValue: row["category"]) ?? .marketing,
            phone: row["phone"], channel: row["channel"], text: row["text"], variant: row["variant"],
            sendAt: Date(timeIntervalSince1970: row["send_at"]), validUntil: Date(timeIntervalSince1970: row["valid_until"]),
            reason: row["reason"])
        return LedgerEntry(
            message: message, status: MessageStatus(rawValue: row["status"]) ?? .unknown, attempts: row["attempts"],
            providerID: row["provider_id"], providerCode: row["provider_code"], reasonCode: row["reason_code"],
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
