import GRDB

extension StoreMigrations {
    static func registerLinksV10(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-links") { db in
            // A tracked link: written with its ledger row, in the same transaction. `message_key` is NULL for a
            // link shared by a campaign variant (`tracked_link: per_variant`). Targets are only ever http(s).
            try db.execute(sql: """
                CREATE TABLE link (
                    token TEXT PRIMARY KEY NOT NULL,
                    message_key TEXT REFERENCES message(key),
                    campaign TEXT NOT NULL,
                    variant TEXT NOT NULL DEFAULT '',
                    target TEXT NOT NULL CHECK (target LIKE 'http://%' OR target LIKE 'https://%'),
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX link_message ON link(message_key) WHERE message_key IS NOT NULL")
            try db.execute(sql: "CREATE INDEX link_shared ON link(campaign, variant, target) WHERE message_key IS NULL")
            // One row a request. `bot` says why a click is suspected (NULL: a person, as far as Beckon can tell);
            // a unique click is a person's first on a message, and the partial UNIQUE index keeps it one.
            try db.execute(sql: """
                CREATE TABLE click (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    token TEXT NOT NULL REFERENCES link(token),
                    message_key TEXT,
                    campaign TEXT NOT NULL,
                    variant TEXT NOT NULL DEFAULT '',
                    at REAL NOT NULL,
                    method TEXT NOT NULL CHECK (method IN ('GET', 'HEAD')),
                    user_agent TEXT NOT NULL DEFAULT '',
                    bot TEXT CHECK (bot IN ('user_agent', 'head', 'too_soon')),
                    is_unique INTEGER NOT NULL DEFAULT 0 CHECK (is_unique IN (0, 1)),
                    CHECK (is_unique = 0 OR (bot IS NULL AND message_key IS NOT NULL))
                )
                """)
            try db.execute(sql: "CREATE UNIQUE INDEX click_unique ON click(message_key) WHERE is_unique = 1")
            try db.execute(sql: "CREATE INDEX click_time ON click(at)")
        }
    }
}
