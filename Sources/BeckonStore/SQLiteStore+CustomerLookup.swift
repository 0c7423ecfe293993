import BeckonCore
import GRDB

/// What the dispatcher's last policy check needs to know of a customer: which number, which zone and tier,
/// and whether they are still active.
///
/// Not the whole customer: tags, attributes and consents are JSON, and decoding them for every message of a
/// batch would cost more than the check itself with a real ERP export's dozens of attribute columns.
public struct CustomerStanding: Hashable, Sendable {
    public var id: String
    public var phone: String
    public var timeZone: String?
    public var tier: String?
    public var active: Bool

    public init(id: String, phone: String, timeZone: String? = nil, tier: String? = nil, active: Bool = true) {
        self.id = id
        self.phone = phone
        self.timeZone = timeZone
        self.tier = tier
        self.active = active
    }
}

/// Looking customers up by id in bulk, for the dispatcher's last policy check.
public protocol CustomerLookup: Sendable {
    func standings(ids: [String]) throws -> [String: CustomerStanding]
}

extension SQLiteStore: CustomerLookup {
    public func standings(ids: [String]) throws -> [String: CustomerStanding] {
        try writer.read { db in
            var found: [String: CustomerStanding] = [:]
            found.reserveCapacity(ids.count)
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                var query = BoundStatement(try db.chunkStatement(
                    full: chunk.count == 500,
                    sql: "SELECT id, phone, timezone, tier, active FROM customer WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))"))
                for id in chunk { query.bind(id) }
                try query.forEachRow(in: db) { columns in
                    let standing = CustomerStanding(id: columns.text(0) ?? "", phone: columns.text(1) ?? "", timeZone: columns.text(2),
                                                    tier: columns.text(3), active: columns.int(4) != 0)
                    found[standing.id] = standing
                }
            }
            return found
        }
    }
}
