import BeckonCore
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore: CustomerStore {
    public func upsert(_ customers: [Customer]) throws {
        try writer.write { db in try Self.upsert(customers.map(CustomerRecord.init), seenIn: "", in: db) }
    }

    /// Upserts inside a caller's transaction (the inbox commits a file's batch together with its progress).
    /// `seenIn` names the import that listed the customers (for full snapshots, `snapshot`).
    ///
    /// A row whose stored fields are unchanged (same `row_hash`, still active) is not written: a nightly full
    /// export costs a primary-key lookup and a hash comparison per unchanged row, no page or index write. A
    /// changed or new row is written with the batch's change number, which tells the planner whom to re-plan.
    /// In a snapshot every listed row must carry the snapshot's `seen_in` (the others are deactivated), so an
    /// unchanged one is written for that, keeping its change number.
    public static func upsert(_ customers: [CustomerRecord], seenIn: String, snapshot: Bool = false, in db: Database) throws {
        guard !customers.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO customer (id, name, phone, birthday, birthday_lunar, timezone, tier, tags, attributes,
                                  last_order_at, order_count, total_spend, active, consents, seen_in, source, row_hash, change_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                name = excluded.name, phone = excluded.phone, birthday = excluded.birthday,
                birthday_lunar = excluded.birthday_lunar, timezone = excluded.timezone, tier = excluded.tier,
                tags = excluded.tags, attributes = excluded.attributes, last_order_at = excluded.last_order_at,
                order_count = excluded.order_count, total_spend = excluded.total_spend, active = excluded.active,
                consents = excluded.consents, seen_in = excluded.seen_in, source = excluded.source, row_hash = excluded.row_hash,
                change_seq = CASE WHEN customer.row_hash IS NOT excluded.row_hash OR customer.active <> excluded.active
                                  THEN excluded.change_seq ELSE customer.change_seq END
            WHERE customer.row_hash IS NOT excluded.row_hash OR customer.active <> excluded.active
               OR (? AND customer.seen_in <> excluded.seen_in)
            """)
        let change = try lastCustomerChange(in: db) + 1
        var changed = false
        for customer in customers {
            var bound = BoundStatement(statement)
            bound.bind(customer.id); bound.bind(customer.name); bound.bind(customer.phone); bound.bind(customer.birthday)
            bound.bind(customer.birthdayIsLunar ? 1 : 0); bound.bind(customer.timeZone); bound.bind(customer.tier)
            bound.bind(customer.tags); bound.bind(customer.attributes)
            bound.bind(customer.lastOrderAt); bound.bind(customer.orderCount); bound.bind(customer.totalSpend)
            bound.bind(customer.active ? 1 : 0); bound.bind(customer.consents); bound.bind(seenIn); bound.bind(customer.source)
            bound.bind(customer.rowHash); bound.bind(Int(change)); bound.bind(snapshot ? 1 : 0)
            try bound.execute(in: db)
            if db.changesCount > 0 { changed = true }
        }
        sqlite3_clear_bindings(statement.sqliteStatement)
        // The number is taken only by a batch that wrote something (a snapshot's seen_in alone does not count,
        // but taking it then is harmless: no row carries it).
        if changed {
            try db.execute(sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [customerChangeKey, String(change)])
        }
    }

    /// The state key of the last change number an import batch gave its changed customers.
    public static let customerChangeKey = "customers.last_change"

    static func lastCustomerChange(in db: Database) throws -> Int64 {
        try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = ?", arguments: [customerChangeKey]).flatMap { Int64($0) } ?? 0
    }

    /// The change number of the last import batch that changed a customer (0: none).
    public func lastCustomerChange() throws -> Int64 {
        try writer.read { db in try Self.lastCustomerChange(in: db) }
    }

    /// Active customers changed after change number `after`, in id order, a batch at a time.
    public func forEachActiveCustomerChanged(after: Int64, batchSize: Int, _ body: ([Customer]) throws -> Void) throws {
        var afterID = ""
        while true {
            let batch = try writer.read { db in
                var query = BoundStatement(try db.cachedStatement(sql: """
                    SELECT \(Self.customerColumns) FROM customer INDEXED BY customer_change
                    WHERE change_seq > ? AND active = 1 AND id > ? ORDER BY id LIMIT ?
                    """))
                query.bind(Int(after))
                query.bind(afterID)
                query.bind(batchSize)
                return try query.all(in: db, Self.customer(from:))
            }
            guard let last = batch.last else { return }
            try body(batch)
            afterID = last.id
        }
    }

    /// Up to `limit` active customers after `id` in id order (a keyset page: each is its own short read).
    public func activeCustomers(after id: String, limit: Int) throws -> [Customer] {
        try writer.read { db in
            var query = BoundStatement(try db.cachedStatement(
                sql: "SELECT \(Self.customerColumns) FROM customer WHERE active = 1 AND id > ? ORDER BY id LIMIT ?"))
            query.bind(id)
            query.bind(limit)
            return try query.all(in: db, Self.customer(from:))
        }
    }

    /// Active customers whose next own trigger day has begun by `now` (`next_due_at <= now`), in id order.
    public func dueCustomerIDs(through now: Date) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM customer INDEXED BY customer_due WHERE next_due_at <= ? AND active = 1
                """, arguments: [now.timeIntervalSince1970]).sorted()
        }
    }

    /// Records when each customer's next own trigger day begins (nil: none comes).
    public func setNextDue(_ dues: [(id: String, at: Date?)]) throws {
        guard !dues.isEmpty else { return }
        try writer.write { db in
            let update = try db.cachedStatement(sql: "UPDATE customer SET next_due_at = ? WHERE id = ?")
            for due in dues {
                var bound = BoundStatement(update)
                bound.bind(due.at?.timeIntervalSince1970)
                bound.bind(due.id)
                try bound.execute(in: db)
            }
        }
    }

    /// Active customers by id (ids not found or inactive are left out), in id order.
    public func activeCustomers(ids: [String]) throws -> [Customer] {
        guard !ids.isEmpty else { return [] }
        return try writer.read { db in
            var found: [Customer] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                var query = BoundStatement(try db.cachedStatement(sql: """
                    SELECT \(Self.customerColumns) FROM customer WHERE id IN (SELECT value FROM json_each(?)) AND active = 1 ORDER BY id
                    """))
                query.bind(JSONString.array(ids[start..<min(start + 500, ids.count)]))
                found += try query.all(in: db, Self.customer(from:))
            }
            return found.sorted { $0.id < $1.id }
        }
    }

    public func customer(id: String) throws -> Customer? {
        try writer.read { db in
            var query = BoundStatement(try db.cachedStatement(sql: "SELECT \(Self.customerColumns) FROM customer WHERE id = ?"))
            query.bind(id)
            return try query.first(in: db, Self.customer(from:))
        }
    }

    public func forEachActiveCustomerBatch(batchSize: Int, _ body: ([Customer]) throws -> Void) throws {
        var after = ""
        // Keyset pagination: each batch is its own short read, so a long scan never pins the WAL.
        while true {
            let batch = try activeCustomers(after: after, limit: batchSize)
            guard let last = batch.last else { return }
            try body(batch)
            after = last.id
        }
    }

    public func customerCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer") ?? 0 }
    }

    /// The columns `customer(from:)` reads, in the order it reads them.
    static let customerColumns = """
        id, name, phone, birthday, birthday_lunar, timezone, tier, tags, attributes, last_order_at, order_count,
        total_spend, active, consents, source
        """

    /// Decodes a row selected with `customerColumns`, by position, straight through `sqlite3_column_*`: planning
    /// reads every customer, and GRDB's by-name lookups and row copying were a visible share of its profile.
    static func customer(from columns: BoundStatement.Columns) -> Customer {
        var customer = Customer(
            id: columns.text(0) ?? "",
            name: columns.text(1) ?? "",
            phone: columns.text(2) ?? "",
            birthday: columns.text(3).flatMap { LocalDate(iso: $0) },
            birthdayIsLunar: columns.int(4) != 0,
            timeZone: columns.text(5),
            tier: columns.text(6),
            tags: JSONText.decode(columns.text(7)) ?? [],
            attributes: JSONText.decode(columns.text(8)) ?? [:],
            lastOrderAt: columns.optionalDouble(9).map(Date.init(timeIntervalSince1970:)),
            orderCount: columns.int(10),
            totalSpend: columns.double(11),
            active: columns.int(12) != 0
        )
        customer.consents = JSONText.decode(columns.text(13)) ?? [:]
        customer.source = columns.text(14) ?? ""
        return customer
    }
}

/// JSON columns for lists and maps; SQLite's JSON functions can still query them.
///
/// Encoding is written by hand for the two shapes stored: JSONEncoder costs more per customer than the
/// rest of an import row put together. Decoding uses Foundation (it runs far less often).
enum JSONText {
    static func encode(_ list: [String]) -> String {
        list.isEmpty ? "[]" : "[" + list.map(quoted).joined(separator: ",") + "]"
    }

    static func encode(_ map: [String: String]) -> String {
        map.isEmpty ? "{}" : "{" + map.keys.sorted().map { quoted($0) + ":" + quoted(map[$0]!) }.joined(separator: ",") + "}"
    }

    static func encode(_ map: [String: Bool]) -> String {
        map.isEmpty ? "{}" : "{" + map.keys.sorted().map { quoted($0) + ":" + (map[$0]! ? "true" : "false") }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (RFC 8259 section 7).
    static func quoted(_ text: String) -> String {
        "\"" + JSONString.escaped(text) + "\""
    }

    static func decode<T: Decodable>(_ text: String?) -> T? {
        guard let text, text != "[]", text != "{}", let data = text.data(using: .utf8) else {
            // Empty collections are the common case: no decoder needed.
            if text == "[]", let empty = [String]() as? T { return empty }
            if text == "{}", let empty = [String: String]() as? T { return empty }
            if text == "{}", let empty = [String: Bool]() as? T { return empty }
            return nil
        }
        return try? JSONDecoder().decode(T.self, from: data)
    }
}
