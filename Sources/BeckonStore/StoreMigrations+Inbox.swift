import GRDB

extension StoreMigrations {
    static func registerInboxV2(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-inbox") { db in
            // Which import last listed the customer: a full snapshot marks the others inactive.
            try db.execute(sql: "ALTER TABLE customer ADD COLUMN seen_in TEXT NOT NULL DEFAULT ''")
            try db.execute(sql: "ALTER TABLE customer ADD COLUMN consents TEXT NOT NULL DEFAULT '{}'")
            // Progress of a file being imported batch by batch: a restart resumes after the last committed line.
            try db.execute(sql: """
                CREATE TABLE import_progress (
                    sha256 TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    next_line INTEGER NOT NULL,
                    rows INTEGER NOT NULL,
                    rejected_rows INTEGER NOT NULL
                ) WITHOUT ROWID
                """)
            // Rows rejected so far, committed with their batch, so the report survives a crash exactly.
            try db.execute(sql: """
                CREATE TABLE import_error (
                    sha256 TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    value TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (sha256, line)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: """
                CREATE TABLE customer_event (
                    customer_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    at REAL NOT NULL,
                    attributes TEXT NOT NULL DEFAULT '{}',
                    source TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (customer_id, name, at)
                ) WITHOUT ROWID
                """)
        }
    }

    static func registerInboxKindsV6(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-inbox-kinds") { db in
            // The kind and snapshot decision of a file being imported, so a resumed import never decides anew.
            try db.execute(sql: "ALTER TABLE import_progress ADD COLUMN kind TEXT NOT NULL DEFAULT ''")
            try db.execute(sql: "ALTER TABLE import_progress ADD COLUMN snapshot INTEGER NOT NULL DEFAULT 0 CHECK (snapshot IN (0, 1))")
        }
    }

    static func registerEventsV7(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-events") { db in
            // Which import batch brought the event (1, 2, 3 ... from `SQLiteStore.eventArrivalKey`; 0 for events
            // stored before): the planner plans events that arrived since its last pass even when their due time
            // is behind the cycle's window, so a file that comes late loses nothing.
            try db.execute(sql: "ALTER TABLE customer_event ADD COLUMN arrival INTEGER NOT NULL DEFAULT 0")
            // What the message reacts to (the event's instant, or the date recall waves count from): cancelling
            // events after it drop the message, and a newer one of the same campaign supersedes it.
            try db.execute(sql: "ALTER TABLE message ADD COLUMN triggered_at REAL")
        }
    }
}
