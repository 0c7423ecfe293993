import BeckonCore
import Foundation
import GRDB

extension SQLiteStore {
    /// The `state` key of how far the receipt files have caught up with `receipt_event` (its sequence).
    static let receiptsWrittenThroughKey = "receipts.written_through"

    public func forEachReceiptEvent(in interval: DateInterval, through sequence: Int64, _ body: (ReceiptEvent) throws -> Void) throws {
        try writer.read { db in
            var query = BoundStatement(try db.cachedStatement(sql: """
                SELECT e.sequence, e.status, e.provider_id, e.provider_code, e.reason_code, e.segments, e.encoding,
                       e.event_at, m.campaign, m.wave, m.customer_id, m.local_date, m.channel, m.phone,
                       m.variant, m.send_at, m.source, m.coupon_code
                FROM receipt_event e JOIN message m ON m.key = e.key
                WHERE e.event_at >= ? AND e.event_at < ? AND e.sequence <= ?
                ORDER BY e.sequence
                """))
            query.bind(interval.start.timeIntervalSince1970)
            query.bind(interval.end.timeIntervalSince1970)
            query.bind(Int(truncatingIfNeeded: sequence))
            // Read through sqlite3_column_* by position: a day's receipts are read whole, and GRDB's row
            // decoding was most of the cost of writing them.
            try query.forEachRow(in: db) { column in
                let key = MessageKey(campaign: column.text(8) ?? "", wave: column.int(9), customer: column.text(10) ?? "",
                                     localDate: column.text(11).flatMap(LocalDate.init(iso:)) ?? LocalDate(dayNumber: 0))
                try body(ReceiptEvent(
                    sequence: Int64(column.int(0)), key: key,
                    status: column.text(1).flatMap(MessageStatus.init(rawValue:)) ?? .unknown,
                    channel: column.text(12) ?? "", phone: column.text(13) ?? "", variant: column.text(14) ?? "",
                    providerID: column.text(2), providerCode: column.text(3), reasonCode: column.text(4),
                    segments: column.int(5), encoding: column.text(6) ?? "",
                    plannedAt: Date(timeIntervalSince1970: column.double(15)),
                    eventAt: Date(timeIntervalSince1970: column.double(7)), source: column.text(16) ?? "",
                    coupon: column.text(17)))
            }
        }
    }

    public func receiptCounts(in interval: DateInterval, through sequence: Int64) throws -> [ReceiptCount] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.campaign, m.variant, e.status, COUNT(*) AS n
                FROM receipt_event e JOIN message m ON m.key = e.key
                WHERE e.event_at >= ? AND e.event_at < ? AND e.sequence <= ?
                GROUP BY m.campaign, m.variant, e.status
                """, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970, sequence]).map { row in
                ReceiptCount(campaign: row["campaign"], variant: row["variant"],
                             status: MessageStatus(rawValue: row["status"]) ?? .unknown, count: row["n"])
            }
        }
    }

    public func lastReceiptSequence() throws -> Int64 {
        try writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM receipt_event") ?? 0 }
    }

    public func receiptBacklog() throws -> ReceiptBacklog {
        try writer.read { db in
            let written = try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = ?", arguments: [Self.receiptsWrittenThroughKey])
                .flatMap { Int64($0) } ?? 0
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM receipt_event") ?? 0
            guard last > written else { return ReceiptBacklog(writtenThrough: written, lastSequence: max(last, written), quarterHours: []) }
            // The sequence is the table's rowid, so this reads only the events since the files last caught up;
            // a quarter hour is fine enough for every zone offset in use (whole quarter hours).
            let quarters = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT CAST(event_at / 900 AS INTEGER) FROM receipt_event WHERE sequence > ? AND sequence <= ?
                """, arguments: [written, last])
            return ReceiptBacklog(writtenThrough: written, lastSequence: last,
                                  quarterHours: quarters.sorted().map { Date(timeIntervalSince1970: Double($0) * 900) })
        }
    }

    public func markReceiptsWritten(through sequence: Int64) throws {
        try writer.write { db in
            // Never back: two writers (a command beside the daemon) may finish in either order.
            try db.execute(sql: """
                INSERT INTO state (key, value) VALUES (?, CAST(? AS TEXT))
                ON CONFLICT(key) DO UPDATE SET value = CAST(MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)
                """, arguments: [Self.receiptsWrittenThroughKey, sequence])
        }
    }
}
