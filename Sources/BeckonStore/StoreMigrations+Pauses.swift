import GRDB

extension StoreMigrations {
    static func registerSendPausesV8(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-send-pauses") { db in
            // What `beckon pause` holds back, durable across restarts. One row per pause: the whole store
            // (scope 'all', name ''), a channel or a campaign; `beckon resume` deletes rows.
            try db.execute(sql: """
                CREATE TABLE send_pause (
                    scope TEXT NOT NULL CHECK (scope IN ('all', 'channel', 'campaign')),
                    name TEXT NOT NULL DEFAULT '',
                    paused_at REAL NOT NULL,
                    CHECK ((scope = 'all') = (name = '')),
                    PRIMARY KEY (scope, name)
                ) WITHOUT ROWID
                """)
        }
    }
}
