import GRDB

extension StoreMigrations {
    static func registerPlanningV9(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-planning") { db in
            // Which import batch last changed the customer (`SQLiteStore.customerChangeKey`; 0 before): the
            // planner re-plans only customers changed since its last pass (docs/planning.md).
            try db.execute(sql: "ALTER TABLE customer ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0")
            // A hash of the stored fields: a nightly re-import of an unchanged row compares it and writes nothing.
            try db.execute(sql: "ALTER TABLE customer ADD COLUMN row_hash INTEGER")
            try db.execute(sql: "CREATE INDEX customer_change ON customer(change_seq)")
            // The start of the next local day a customer's own day-based triggers fire on (birthdays, date
            // offsets): as a day begins the planner plans the customers due, not everyone. NULL: none comes.
            try db.execute(sql: "ALTER TABLE customer ADD COLUMN next_due_at REAL")
            try db.execute(sql: "CREATE INDEX customer_due ON customer(next_due_at)")
            // Events that arrived since a pass, and events of one name due in a window, without a scan.
            try db.execute(sql: "CREATE INDEX customer_event_arrival ON customer_event(arrival)")
            try db.execute(sql: "CREATE INDEX customer_event_due ON customer_event(name, at)")
        }
    }
}
