import BeckonCore
import GRDB

/// Looking customers up by id in bulk, for the dispatcher's last policy check.
public protocol CustomerLookup: Sendable {
    func customers(ids: [String]) throws -> [String: Customer]
}

extension SQLiteStore: CustomerLookup {
    public func customers(ids: [String]) throws -> [String: Customer] {
        try writer.read { db in
            var found: [String: Customer] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                var query = BoundStatement(try db.chunkStatement(
                    full: chunk.count == 500,
                    sql: "SELECT \(Self.customerColumns) FROM customer WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))"))
                for id in chunk { query.bind(id) }
                try query.forEachRow(in: db) { columns in
                    let customer = Self.customer(from: columns)
                    found[customer.id] = customer
                }
            }
            return found
        }
    }
}
