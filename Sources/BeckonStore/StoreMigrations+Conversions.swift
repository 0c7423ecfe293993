import GRDB

extension StoreMigrations {
    static func registerConversionsV11(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-conversions") { db in
            // Every conversion row, attributed or not (lift compares customers who converted with those who did
            // not). The same conversion (customer, instant, kind) in two files is one row.
            try db.execute(sql: """
                CREATE TABLE conversion (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer_id TEXT NOT NULL,
                    occurred_at REAL NOT NULL,
                    kind TEXT NOT NULL CHECK (kind <> ''),
                    amount REAL NOT NULL CHECK (amount >= 0),
                    source TEXT NOT NULL DEFAULT '',
                    UNIQUE (customer_id, occurred_at, kind)
                )
                """)
            try db.execute(sql: "CREATE INDEX conversion_customer ON conversion(customer_id, occurred_at)")
            try db.execute(sql: "CREATE INDEX conversion_time ON conversion(occurred_at)")
            // What a conversion is credited to: one row per conversion and campaign. `counts` = 1 on the first
            // conversion credited to a message (the one counted); later ones in its window add revenue only.
            try db.execute(sql: """
                CREATE TABLE attribution (
                    conversion_id INTEGER NOT NULL REFERENCES conversion(id) ON DELETE CASCADE,
                    message_key TEXT NOT NULL REFERENCES message(key),
                    campaign TEXT NOT NULL,
                    variant TEXT NOT NULL DEFAULT '',
                    through TEXT NOT NULL CHECK (through IN ('click', 'view')),
                    amount REAL NOT NULL,
                    counts INTEGER NOT NULL CHECK (counts IN (0, 1)),
                    PRIMARY KEY (conversion_id, campaign)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE UNIQUE INDEX attribution_counted ON attribution(message_key) WHERE counts = 1")
            try db.execute(sql: "CREATE INDEX attribution_message ON attribution(message_key)")
            // Attribution reads each customer's clicks through their messages: without it, a scan of every click.
            try db.execute(sql: "CREATE INDEX click_message ON click(message_key)")
        }
    }
}
