import BeckonCore
import Foundation
import GRDB

extension SQLiteStore: ConversionStore {
    public func knownCustomerIDs(among ids: [String]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try writer.read { db in
            Set(try String.fetchAll(db, sql: "SELECT id FROM customer WHERE id IN (SELECT value FROM json_each(?))",
                                    arguments: [JSONString.array(Array(Set(ids)))]))
        }
    }

    @discardableResult
    public func attributeConversions(in interval: DateInterval, windows: Attribution.Windows) throws -> AttributionSummary {
        let customers = try writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT customer_id FROM conversion WHERE occurred_at >= ? AND occurred_at < ?
                """, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970])
        }
        var summary = AttributionSummary()
        // A few hundred customers a transaction: a night's file of many thousands never holds the one writer
        // (delivery reports, clicks, dispatch outcomes) for long. Each customer's credits change whole.
        for start in stride(from: 0, to: customers.count, by: Self.attributionChunk) {
            let chunk = customers[start..<min(start + Self.attributionChunk, customers.count)]
            summary = try writer.write { db in
                var summary = summary
                for customer in chunk { try Self.attribute(customer: customer, windows: windows, into: &summary, in: db) }
                return summary
            }
        }
        return summary
    }

    static let attributionChunk = 500

    /// Replaces one customer's credits with `Attribution.credit` over all their conversions, delivered messages
    /// (delivery time: the last part's `delivered` report, else the send time) and clicks.
    static func attribute(customer: String, windows: Attribution.Windows, into summary: inout AttributionSummary, in db: Database) throws {
        let conversionRows = try Row.fetchAll(db, sql: """
            SELECT id, occurred_at, kind, amount FROM conversion WHERE customer_id = ? ORDER BY occurred_at, id
            """, arguments: [customer])
        let ids: [Int64] = conversionRows.map { $0["id"] }
        let conversions = conversionRows.map {
            Conversion(customerID: customer, occurredAt: Date(timeIntervalSince1970: $0["occurred_at"]), kind: $0["kind"], amount: $0["amount"])
        }
        let messages = try Row.fetchAll(db, sql: """
            SELECT m.key, m.campaign, m.variant,
                   COALESCE((SELECT MAX(d.received_at) FROM delivery_report d
                             WHERE d.channel = m.channel AND d.message_key = m.key AND d.status = 'delivered'), m.send_at) AS delivered_at
            FROM message m WHERE m.customer_id = ? AND m.status = 'delivered'
            """, arguments: [customer]).map {
            Attribution.Message(key: $0["key"], campaign: $0["campaign"], variant: $0["variant"],
                                deliveredAt: Date(timeIntervalSince1970: $0["delivered_at"]))
        }
        let clicks = try Row.fetchAll(db, sql: """
            SELECT c.message_key, c.at, c.bot FROM click c JOIN message m ON m.key = c.message_key
            WHERE m.customer_id = ? AND m.status = 'delivered'
            """, arguments: [customer]).map {
            Attribution.Click(messageKey: $0["message_key"], at: Date(timeIntervalSince1970: $0["at"]), bot: ($0["bot"] as String?) != nil)
        }
        // What was credited before, so that the summary (the metrics) says only what is new.
        var before: [String: Bool] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT a.conversion_id, a.campaign, a.counts FROM attribution a JOIN conversion c ON c.id = a.conversion_id WHERE c.customer_id = ?
            """, arguments: [customer]) {
            before["\(row["conversion_id"] as Int64)/\(row["campaign"] as String)"] = (row["counts"] as Int) == 1
        }
        try db.execute(sql: "DELETE FROM attribution WHERE conversion_id IN (SELECT id FROM conversion WHERE customer_id = ?)",
                       arguments: [customer])
        let credits = Attribution.credit(conversions: conversions, messages: messages, clicks: clicks, windows: windows)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO attribution (conversion_id, message_key, campaign, variant, through, amount, counts) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for credit in credits {
            try insert.execute(arguments: [ids[credit.conversion], credit.messageKey, credit.campaign, credit.variant,
                                           credit.through.rawValue, credit.amount, credit.counts ? 1 : 0])
            let earlier = before["\(ids[credit.conversion])/\(credit.campaign)"]
            if earlier == nil { summary.newRevenue[credit.campaign, default: 0] += credit.amount }
            if credit.counts, earlier != true {
                summary.newConversions[AttributionSummary.Series(campaign: credit.campaign, through: credit.through), default: 0] += 1
            }
        }
        summary.credits += credits.count
    }

    public func conversions(in interval: DateInterval) throws -> [Conversion] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT customer_id, occurred_at, kind, amount FROM conversion WHERE occurred_at >= ? AND occurred_at < ?
                ORDER BY occurred_at, customer_id, kind
                """, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970]).map {
                Conversion(customerID: $0["customer_id"], occurredAt: Date(timeIntervalSince1970: $0["occurred_at"]), kind: $0["kind"],
                           amount: $0["amount"])
            }
        }
    }

    public func conversionTotals(in interval: DateInterval) throws -> [ConversionTotal] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.campaign, a.variant,
                       SUM(CASE WHEN a.counts = 1 AND a.through = 'click' THEN 1 ELSE 0 END) AS clicks,
                       SUM(CASE WHEN a.counts = 1 AND a.through = 'view' THEN 1 ELSE 0 END) AS views,
                       TOTAL(a.amount) AS revenue
                FROM attribution a JOIN conversion c ON c.id = a.conversion_id
                WHERE c.occurred_at >= ? AND c.occurred_at < ?
                GROUP BY a.campaign, a.variant ORDER BY a.campaign, a.variant
                """, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970]).map {
                ConversionTotal(campaign: $0["campaign"], variant: $0["variant"], clickThrough: $0["clicks"], viewThrough: $0["views"],
                                revenue: $0["revenue"])
            }
        }
    }

    public func topConvertingMessages(in interval: DateInterval, limit: Int) throws -> [MessageConversions] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.message_key, a.campaign, a.variant, m.text, SUM(a.counts) AS conversions, TOTAL(a.amount) AS revenue
                FROM attribution a JOIN conversion c ON c.id = a.conversion_id JOIN message m ON m.key = a.message_key
                WHERE c.occurred_at >= ? AND c.occurred_at < ?
                GROUP BY a.message_key ORDER BY conversions DESC, revenue DESC, a.message_key LIMIT ?
                """, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970, limit]).map {
                MessageConversions(messageKey: $0["message_key"], campaign: $0["campaign"], variant: $0["variant"], text: $0["text"],
                                   conversions: $0["conversions"], revenue: $0["revenue"])
            }
        }
    }

    public func conversionTimes(in interval: DateInterval) throws -> [Date] {
        try writer.read { db in
            try Double.fetchAll(db, sql: """
                SELECT c.occurred_at FROM conversion c
                WHERE c.occurred_at >= ? AND c.occurred_at < ?
                  AND EXISTS (SELECT 1 FROM attribution a WHERE a.conversion_id = c.id AND a.counts = 1)
                ORDER BY c.occurred_at
                """, arguments: [interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970]).map(Date.init(timeIntervalSince1970:))
        }
    }
}
