import BeckonCore
import Foundation
import GRDB

extension SQLiteStore: ReportStore {
    /// The report's counts, in one read transaction (a consistent picture beside a running daemon). Each query is
    /// one GROUP BY over the period's ledger rows (one scan of `message`); the rows it returns are few whatever
    /// the number of customers, and `ReportAssembler` makes the figures from them.
    public func reportRows(_ period: ReportPeriod, attributionDays: [String: Int]) throws -> ReportRows {
        let scope = Self.reportScope(period)
        let billed = Self.sqlList(ReportAssembler.billed.map(\.rawValue))
        return try writer.read { db in
            var rows = ReportRows()
            for row in try Row.fetchAll(db, sql: """
                SELECT campaign, variant, channel, status, COALESCE(reason_code, '') AS reason_code_or_empty, COUNT(*) AS n,
                       SUM(segments) AS segments
                FROM message m WHERE \(scope.sql) GROUP BY campaign, variant, channel, status, reason_code_or_empty
                """, arguments: scope.arguments) {
                guard let status = MessageStatus(rawValue: row["status"]) else { continue }
                rows.outcomes.append(.init(campaign: row["campaign"], variant: row["variant"], channel: row["channel"], status: status,
                                           reason: row["reason_code_or_empty"], messages: row["n"], segments: row["segments"]))
            }
            // The customer's zone decides the local hour; where the customer names none, the number's first digits do.
            let zoneColumns = """
                NULLIF(c.timezone, '') AS zone, CASE WHEN COALESCE(c.timezone, '') = '' THEN substr(m.phone, 1, 5) ELSE '' END AS prefix
                """
            for (event, sql) in [
                (ReportRows.TimeBucket.Event.delivered, """
                    SELECT \(zoneColumns), CAST(m.updated_at / 900 AS INTEGER) AS q, COUNT(*) AS n
                    FROM message m LEFT JOIN customer c ON c.id = m.customer_id
                    WHERE \(scope.sql) AND m.status = 'delivered' GROUP BY zone, prefix, q
                    """),
                (.clicked, """
                    SELECT \(zoneColumns), CAST(k.at / 900 AS INTEGER) AS q, COUNT(*) AS n
                    FROM click k JOIN message m ON m.key = k.message_key LEFT JOIN customer c ON c.id = m.customer_id
                    WHERE \(scope.sql) AND k.bot IS NULL GROUP BY zone, prefix, q
                    """),
            ] {
                for row in try Row.fetchAll(db, sql: sql, arguments: scope.arguments) {
                    rows.timeBuckets.append(.init(event: event, zone: row["zone"], phonePrefix: row["prefix"], quarterHour: row["q"], count: row["n"]))
                }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT substr(phone, 1, \(Carrier.prefixLength)) AS prefix, status, COUNT(*) AS n
                FROM message m WHERE \(scope.sql) AND status IN \(billed) GROUP BY prefix, status
                """, arguments: scope.arguments) {
                guard let status = MessageStatus(rawValue: row["status"]) else { continue }
                rows.prefixes.append(.init(phonePrefix: row["prefix"], status: status, messages: row["n"]))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT channel, COALESCE(NULLIF(provider_code, ''), reason_code, '') AS code, COUNT(*) AS n
                FROM message m WHERE \(scope.sql) AND status IN ('failed', 'undelivered') GROUP BY channel, code
                """, arguments: scope.arguments) {
                rows.failureCodes.append(.init(channel: row["channel"], code: row["code"], messages: row["n"]))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT m.campaign AS campaign, m.variant AS variant, COUNT(*) AS clicks, SUM(k.bot IS NOT NULL) AS bots,
                       SUM(k.is_unique) AS people
                FROM click k JOIN message m ON m.key = k.message_key
                WHERE \(scope.sql) GROUP BY m.campaign, m.variant
                """, arguments: scope.arguments) {
                rows.clicks.append(.init(campaign: row["campaign"], variant: row["variant"], clicks: row["clicks"],
                                         botClicks: row["bots"], messagesClicked: row["people"]))
            }
            // An opt-out reply is charged to the campaign of the last message the number was sent before it; replies
            // are few, and each finds its message through the phone and customer indexes.
            for row in try Row.fetchAll(db, sql: """
                SELECT m.campaign AS campaign, COUNT(*) AS n FROM suppression s
                JOIN message m ON m.key = (
                    SELECT last.key FROM customer c JOIN message last ON last.customer_id = c.id
                    WHERE c.phone = s.phone AND last.send_at <= s.at AND last.status IN \(billed)
                    ORDER BY last.send_at DESC LIMIT 1)
                WHERE s.source = 'opt_out_reply' AND s.phone <> '' AND \(scope.sql) GROUP BY m.campaign
                """, arguments: scope.arguments) {
                rows.optOuts.append(.init(campaign: row["campaign"], replies: row["n"]))
            }
            // The conversion tables come with migration v11-conversions.
            if try db.tableExists("attribution") {
                try appendConversions(to: &rows, period: period, attributionDays: attributionDays, db: db)
            }
            return rows
        }
    }

    /// The WHERE clause that selects the period's ledger rows, as `m`.
    static func reportScope(_ period: ReportPeriod) -> (sql: String, arguments: StatementArguments) {
        var sql = "m.local_date BETWEEN ? AND ?"
        var arguments: StatementArguments = [period.from.description, period.to.description]
        if let campaign = period.campaign {
            sql += " AND m.campaign = ?"
            arguments += [campaign]
        }
        return (sql, arguments)
    }

    static func sqlList(_ values: [String]) -> String {
        "(" + values.sorted().map { "'\($0)'" }.joined(separator: ", ") + ")"
    }

    /// Conversions credited to the period's messages, their local times, and for campaigns with a control group
    /// the exposures lift is computed from.
    func appendConversions(to rows: inout ReportRows, period: ReportPeriod, attributionDays: [String: Int], db: Database) throws {
        let scope = Self.reportScope(period)
        for row in try Row.fetchAll(db, sql: """
            SELECT a.campaign AS campaign, a.variant AS variant, SUM(a.counts = 1 AND a.through = 'click') AS clicks,
                   SUM(a.counts = 1 AND a.through = 'view') AS views, SUM(a.amount) AS revenue
            FROM attribution a JOIN message m ON m.key = a.message_key WHERE \(scope.sql) GROUP BY a.campaign, a.variant
            """, arguments: scope.arguments) {
            rows.conversions.append(.init(campaign: row["campaign"], variant: row["variant"], clickThrough: row["clicks"],
                                          viewThrough: row["views"], revenue: row["revenue"]))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT NULLIF(c.timezone, '') AS zone, CASE WHEN COALESCE(c.timezone, '') = '' THEN substr(m.phone, 1, 5) ELSE '' END AS prefix,
                   CAST(v.occurred_at / 900 AS INTEGER) AS q, COUNT(*) AS n
            FROM attribution a JOIN conversion v ON v.id = a.conversion_id JOIN message m ON m.key = a.message_key
            LEFT JOIN customer c ON c.id = m.customer_id
            WHERE \(scope.sql) AND a.counts = 1 GROUP BY zone, prefix, q
            """, arguments: scope.arguments) {
            rows.timeBuckets.append(.init(event: .converted, zone: row["zone"], phonePrefix: row["prefix"], quarterHour: row["q"], count: row["n"]))
        }
        // Lift: every sent row and every control row of a campaign that has a control in the period, and whether the
        // customer converted within the campaign's window after the row's send time (for a control row, the moment
        // the message would have gone). Both groups are measured the same way, attributed or not.
        let controlled = try String.fetchAll(db, sql: """
            SELECT DISTINCT campaign FROM message m WHERE \(scope.sql) AND m.status = 'suppressed' AND m.reason_code = '\(Holdout.controlCode)'
            """, arguments: scope.arguments)
        guard !controlled.isEmpty else { return }
        var window = "CASE m.campaign"
        var arguments = StatementArguments()
        for campaign in controlled {
            window += " WHEN ? THEN ?"
            arguments += [campaign, Double(attributionDays[campaign] ?? ReportRows.defaultAttributionDays) * 86_400]
        }
        window += " END"
        arguments += scope.arguments
        var groups: [String: (treated: Proportion, control: Proportion)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT m.campaign AS campaign, m.status = 'suppressed' AS control, COUNT(*) AS n,
                   SUM(EXISTS (SELECT 1 FROM conversion v WHERE v.customer_id = m.customer_id AND v.occurred_at > m.send_at
                               AND v.occurred_at <= m.send_at + \(window))) AS converted
            FROM message m
            WHERE \(scope.sql) AND m.campaign IN \(Self.sqlList(controlled.map { $0.replacingOccurrences(of: "'", with: "''") }))
              AND (m.status IN \(Self.sqlList(ReportAssembler.billed.map(\.rawValue))) OR (m.status = 'suppressed' AND m.reason_code = '\(Holdout.controlCode)'))
            GROUP BY m.campaign, control
            """, arguments: arguments) {
            let campaign: String = row["campaign"]
            let proportion = Proportion(row["converted"], of: row["n"])
            var group = groups[campaign] ?? (Proportion(0, of: 0), Proportion(0, of: 0))
            if row["control"] as Bool { group.control = proportion } else { group.treated = proportion }
            groups[campaign] = group
        }
        rows.exposures = groups.keys.sorted().map { .init(campaign: $0, treated: groups[$0]!.treated, control: groups[$0]!.control) }
    }
}
