import BeckonCore
import Foundation
import GRDB

/// Customer events from trigger files, for event triggers.
public protocol EventStore: Sendable {
    /// Events of these customers at or after `since`, oldest first.
    func events(customerIDs: [String], since: Date) throws -> [String: [CustomerEvent]]
}

extension SQLiteStore: EventStore {
    public func events(customerIDs: [String], since: Date) throws -> [String: [CustomerEvent]] {
        try writer.read { db in
            var found: [String: [CustomerEvent]] = [:]
            for start in stride(from: 0, to: customerIDs.count, by: 500) {
                let chunk = Array(customerIDs[start..<min(start + 500, customerIDs.count)])
                let rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM customer_event WHERE customer_id IN (\(databaseQuestionMarks(count: chunk.count))) AND at >= ? ORDER BY at
                    """, arguments: StatementArguments(chunk) + [since.timeIntervalSince1970])
                for row in rows {
                    let event = CustomerEvent(customerID: row["customer_id"], name: row["name"], at: Date(timeIntervalSince1970: row["at"]),
                                              attributes: JSONText.decode(row["attributes"]) ?? [:], source: row["source"])
                    found[event.customerID, default: []].append(event)
                }
            }
            return found
        }
    }
}
