import BeckonCore
import Foundation
import GRDB

extension SQLiteStore: CustomerStore {
    public func upsert(_ customers: [Customer]) throws {
        try writer.write { db in try Self.upsert(customers, seenIn: "", in: db) }
    }

    /// Upserts inside a caller's transaction (the inbox commits a file's batch together with its progress).
    /// `seenIn` names the import that listed the customers (for full snapshots).
    public static func upsert(_ customers: [Customer], seenIn: String, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO customer (id, name, phone, birthday, birthday_lunar, timezone, tier, tags, attributes,
                                  last_order_at, order_count, total_spend, active, consents, seen_in)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                name = excluded.name, phone = excluded.phone, birthday = excluded.birthday,
                birthday_lunar = excluded.birthday_lunar, timezone = excluded.timezone, tier = excluded.tier,
                tags = excluded.tags, attributes = excluded.attributes, last_order_at = excluded.last_order_at,
                order_count = excluded.order_count, total_spend = excluded.total_spend, active = excluded.active,
                consents = excluded.consents, seen_in = excluded.seen_in
            """)
        for customer in customers {
            try statement.execute(arguments: [
                customer.id, customer.name, customer.phone, customer.birthday?.description,
                customer.birthdayIsLunar, customer.timeZone, customer.tier, JSONText.encode(customer.tags),
                JSONText.encode(customer.attributes), customer.lastOrderAt?.timeIntervalSince1970,
                customer.orderCount, customer.totalSpend, customer.active, JSONText.encode(customer.consents), seenIn,
            ])
        }
    }

    public func customer(id: String) throws -> Customer? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM customer WHERE id = ?", arguments: [id]).map(Self.customer(from:))
        }
    }

    public func forEachActiveCustomerBatch(batchSize: Int, _ body: ([Customer]) throws -> Void) throws {
        var after = ""
        while true {
            // Keyset pagination: each batch is its own short read, so a long scan never pins the WAL.
            let batch = try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM customer WHERE active = 1 AND id > ? ORDER BY id LIMIT ?",
                                 arguments: [after, batchSize]).map(Self.customer(from:))
            }
            guard let last = batch.last else { return }
            try body(batch)
            after = last.id
        }
    }

    public func customerCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer") ?? 0 }
    }

    static func customer(from row: Row) -> Customer {
        var customer = Customer(
            id: row["id"],
            name: row["name"],
            phone: row["phone"],
            birthday: (row["birthday"] as String?).flatMap { LocalDate(iso: $0) },
            birthdayIsLunar: row["birthday_lunar"],
            timeZone: row["timezone"],
            tier: row["tier"],
            tags: JSONText.decode(row["tags"]) ?? [],
            attributes: JSONText.decode(row["attributes"]) ?? [:],
            lastOrderAt: (row["last_order_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            orderCount: row["order_count"],
            totalSpend: row["total_spend"],
            active: row["active"]
        )
        customer.consents = JSONText.decode(row["consents"]) ?? [:]
        return customer
    }
}

/// JSON columns for lists and maps; SQLite's JSON functions can still query them.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }

    static func decode<T: Decodable>(_ text: String?) -> T? {
        guard let data = text?.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }
}
