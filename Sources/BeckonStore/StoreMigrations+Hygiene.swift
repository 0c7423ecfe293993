import GRDB

extension StoreMigrations {
    static func registerHygieneV14(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14-hygiene") { db in
            // Every failure whose class number hygiene acts on (invalid, carrier_opt_out, suspended,
            // content_blocked), once per message and class: the 7-day rule reads a number's history from it and
            // the monthly report lists it. `suppressed` marks the failure that made a suppression, `lapses_at`
            // when that suppression is re-checked (NULL: never). See docs/hygiene.md.
            try db.execute(sql: """
                CREATE TABLE number_failure (
                    phone TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    failure_class TEXT NOT NULL CHECK (failure_class IN ('invalid', 'carrier_opt_out', 'suspended', 'content_blocked')),
                    code TEXT NOT NULL,
                    message_key TEXT NOT NULL,
                    campaign TEXT NOT NULL,
                    variant TEXT NOT NULL DEFAULT '',
                    at REAL NOT NULL,
                    suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),
                    lapses_at REAL,
                    UNIQUE (message_key, failure_class)
                );
                CREATE INDEX number_failure_phone ON number_failure(phone, at);
                CREATE INDEX number_failure_time ON number_failure(at);
                """)
            // A hygiene suppression (source hard_failure) says its class and when it lapses. Suppressions made
            // before classes existed were hard_failure_codes, which are class invalid: they lapse like one.
            try db.execute(sql: """
                ALTER TABLE suppression ADD COLUMN failure_class TEXT NOT NULL DEFAULT '';
                ALTER TABLE suppression ADD COLUMN lapses_at REAL;
                UPDATE suppression SET failure_class = 'invalid', lapses_at = at + \(Int(90 * 86_400)) WHERE source = 'hard_failure';
                ALTER TABLE early_report ADD COLUMN failure_class TEXT;
                """)
        }
    }
}
