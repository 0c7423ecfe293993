import BeckonCore
import Foundation
import GRDB

extension SQLiteStore: SuppressionStore {
    public func addSuppressions(_ suppressions: [Suppression]) throws {
        try writer.write { db in try Self.addSuppressions(suppressions, in: db) }
    }

    /// Adds suppressions inside the caller's transaction (an opt-out file commits them with its record).
    public static func addSuppressions(_ suppressions: [Suppression], in db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO suppression (phone, customer_id, category, sender, source, detail, at, failure_class, lapses_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        for s in suppressions {
            try insert.execute(arguments: [s.phone ?? "", s.customerID ?? "", s.category ?? "", s.sender ?? "", s.source.rawValue, s.detail,
                                           s.at.timeIntervalSince1970, s.failureClass?.rawValue ?? "", s.lapsesAt?.timeIntervalSince1970])
        }
    }

    public func liftSuppressions(phone: String?, customerID: String?, category: String?) throws {
        try writer.write { db in
            // Hard failures and the operator's block list are not lifted by a customer's reply.
            try db.execute(sql: """
                DELETE FROM suppression
                WHERE source IN ('opt_out_reply', 'inbox_file')
                  AND ((? <> '' AND phone = ?) OR (? <> '' AND customer_id = ?))
                  AND (? = '' OR category = ?)
                """, arguments: [phone ?? "", phone ?? "", customerID ?? "", customerID ?? "", category ?? "", category ?? ""])
        }
    }

    public func suppressions(customerIDs: [String], phones: [String]) throws -> [Suppression] {
        guard !customerIDs.isEmpty || !phones.isEmpty else { return [] }
        return try writer.read { db in
            var rows: [Row] = []
            // Chunked to stay below SQLite's host-parameter limit.
            for chunk in stride(from: 0, to: customerIDs.count, by: 500).map({ Array(customerIDs[$0..<min($0 + 500, customerIDs.count)]) }) {
                rows += try Row.fetchAll(db.chunkStatement(full: chunk.count == 500, sql: "SELECT * FROM suppression WHERE customer_id IN (\(databaseQuestionMarks(count: chunk.count)))"),
                                         arguments: StatementArguments(chunk))
            }
            for chunk in stride(from: 0, to: phones.count, by: 500).map({ Array(phones[$0..<min($0 + 500, phones.count)]) }) {
                rows += try Row.fetchAll(db.chunkStatement(full: chunk.count == 500, sql: "SELECT * FROM suppression WHERE phone IN (\(databaseQuestionMarks(count: chunk.count)))"),
                                         arguments: StatementArguments(chunk))
            }
            return Array(Set(rows.map { row in
                Suppression(phone: Self.nonEmpty(row["phone"]), customerID: Self.nonEmpty(row["customer_id"]),
                            category: Self.nonEmpty(row["category"]), sender: Self.nonEmpty(row["sender"]), source: Suppression.Source(rawValue: row["source"]) ?? .blockList,
                            detail: row["detail"], at: Date(timeIntervalSince1970: row["at"]),
                            failureClass: FailureClass(rawValue: row["failure_class"]),
                            lapsesAt: (row["lapses_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }))
        }
    }

    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
