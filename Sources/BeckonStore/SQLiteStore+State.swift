import GRDB

extension SQLiteStore: StateStore {
    public func value(for key: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = ?", arguments: [key]) }
    }

    public func setValue(_ value: String?, for key: String) throws {
        try writer.write { db in
            if let value {
                try db.execute(sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM state WHERE key = ?", arguments: [key])
            }
        }
    }
}
