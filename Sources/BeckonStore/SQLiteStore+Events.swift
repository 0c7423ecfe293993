import BeckonCore
import Foundation
import GRDB

/// Customer events from trigger files, for event triggers and cancelling events.
public protocol EventStore: Sendable {
    /// Events of these customers at or after `since`, and those that arrived after import batch
    /// `arrivedAfter` whenever they happened (marked `arrivedSincePlanning`), oldest first.
    func events(customerIDs: [String], since: Date, arrivedAfter: Int64) throws -> [String: [CustomerEvent]]
    /// Each customer's latest instant, up to `now`, of each of the named events.
    func latestEvents(customerIDs: [String], names: Set<String>, through now: Date) throws -> [String: [String: Date]]
    /// The arrival number of the last import batch that brought events (0: none yet).
    func lastEventArrival() throws -> Int64
}

extension SQLiteStore: EventStore {
    /// The state key of the last arrival number given to a batch of events.
    public static let eventArrivalKey = "events.last_arrival"

    public func events(customerIDs: [String], since: Date, arrivedAfter: Int64) throws -> [String: [CustomerEvent]] {
        try writer.read { db in
            var found: [String: [CustomerEvent]] = [:]
            for start in stride(from: 0, to: customerIDs.count, by: 500) {
                let chunk = Array(customerIDs[start..<min(start + 500, customerIDs.count)])
                let rows = try Row.fetchAll(db, sql: """
                    SELECT customer_id, name, at, attributes, source, arrival FROM customer_event
                    WHERE customer_id IN (\(databaseQuestionMarks(count: chunk.count))) AND (at >= ? OR arrival > ?) ORDER BY at
                    """, arguments: StatementArguments(chunk) + [since.timeIntervalSince1970, arrivedAfter])
                for row in rows {
                    let arrival: Int64 = row["arrival"]
                    let event = CustomerEvent(customerID: row["customer_id"], name: row["name"], at: Date(timeIntervalSince1970: row["at"]),
                                              attributes: JSONText.decode(row["attributes"]) ?? [:], source: row["source"],
                                              arrivedSincePlanning: arrival > arrivedAfter)
                    found[event.customerID, default: []].append(event)
                }
            }
            return found
        }
    }

    public func latestEvents(customerIDs: [String], names: Set<String>, through now: Date) throws -> [String: [String: Date]] {
        guard !customerIDs.isEmpty, !names.isEmpty else { return [:] }
        let names = names.sorted()
        return try writer.read { db in
            var found: [String: [String: Date]] = [:]
            for start in stride(from: 0, to: customerIDs.count, by: 500) {
                let chunk = Array(customerIDs[start..<min(start + 500, customerIDs.count)])
                // The primary key (customer_id, name, at) answers MAX(at) per customer and name without a scan.
                let rows = try Row.fetchAll(db, sql: """
                    SELECT customer_id, name, MAX(at) AS latest FROM customer_event
                    WHERE customer_id IN (\(databaseQuestionMarks(count: chunk.count)))
                      AND name IN (\(databaseQuestionMarks(count: names.count))) AND at <= ?
                    GROUP BY customer_id, name
                    """, arguments: StatementArguments(chunk) + StatementArguments(names) + [now.timeIntervalSince1970])
                for row in rows {
                    found[row["customer_id"], default: [:]][row["name"]] = Date(timeIntervalSince1970: row["latest"])
                }
            }
            return found
        }
    }

    /// The attribute columns that trigger files brought for each of these events, from a sample of up to
    /// `sample` stored events each (what `beckon check` allows templates of event campaigns to use).
    public func eventAttributeNames(of names: Set<String>, sample: Int = 1_000) throws -> [String: Set<String>] {
        try writer.read { db in
            var found: [String: Set<String>] = [:]
            for name in names.sorted() {
                let keys = try String.fetchAll(db, sql: """
                    SELECT DISTINCT attribute.key
                    FROM (SELECT attributes FROM customer_event WHERE name = ? LIMIT ?) AS sampled, json_each(sampled.attributes) AS attribute
                    """, arguments: [name, sample])
                if !keys.isEmpty { found[name] = Set(keys) }
            }
            return found
        }
    }

    /// Customers with events that arrived after batch `arrivedAfter`, or with an event of one of the named kinds
    /// at an instant in its interval (`at` in `(start, end]`): whom event campaigns must plan for.
    public func eventCustomerIDs(arrivedAfter: Int64, at spans: [(name: String, interval: DateInterval)]) throws -> Set<String> {
        try writer.read { db in
            var ids = Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT customer_id FROM customer_event INDEXED BY customer_event_arrival WHERE arrival > ?
                """, arguments: [arrivedAfter]))
            for span in spans {
                ids.formUnion(try String.fetchAll(db, sql: """
                    SELECT DISTINCT customer_id FROM customer_event INDEXED BY customer_event_due WHERE name = ? AND at > ? AND at <= ?
                    """, arguments: [span.name, span.interval.start.timeIntervalSince1970, span.interval.end.timeIntervalSince1970]))
            }
            return ids
        }
    }

    /// Whether any event is stored (one index probe).
    public func hasEvents() throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customer_event)") ?? false }
    }

    public func lastEventArrival() throws -> Int64 {
        try writer.read { db in try Self.lastEventArrival(in: db) }
    }

    static func lastEventArrival(in db: Database) throws -> Int64 {
        try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = ?", arguments: [eventArrivalKey]).flatMap { Int64($0) } ?? 0
    }

    /// The next arrival number, recorded in the caller's transaction (so a rolled-back batch gives it back).
    static func nextEventArrival(in db: Database) throws -> Int64 {
        let next = try lastEventArrival(in: db) + 1
        try db.execute(sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [eventArrivalKey, String(next)])
        return next
    }
}
