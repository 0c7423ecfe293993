import GRDB

extension StoreMigrations {
    static func registerClaimsV5(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-claims") { db in
            // The process instance (`ProcessInstance.id`) whose claim made a message `pending`: recovery at
            // start-up settles only rows whose claimant is no longer alive, never another live process's
            // messages in flight. NULL for rows claimed before this column existed (their process is gone).
            try db.execute(sql: "ALTER TABLE message ADD COLUMN claimed_by TEXT")
        }
    }

    static func registerReceiptsV5(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-receipts") { db in
            // A delivery report that came while its message was `pending` (before the batch's outcome was
            // recorded): held here, so that recording the outcome writes the one `sent` event and then this
            // state (see LedgerTransition). NULL when nothing is held.
            try db.execute(sql: """
                ALTER TABLE message ADD COLUMN held_report_status TEXT
                    CHECK (held_report_status IN ('queued', 'sent', 'delivered', 'undelivered'));
                ALTER TABLE message ADD COLUMN held_report_code TEXT;
                """)
            // A report by provider id that came before the send's reply (which carries the id) was recorded:
            // kept for an hour, and applied when the outcome with that id is (SQLiteStore.applyEarlyReports).
            try db.execute(sql: """
                CREATE TABLE early_report (
                    channel TEXT NOT NULL,
                    provider_id TEXT NOT NULL,
                    part TEXT NOT NULL,
                    status TEXT NOT NULL,
                    provider_code TEXT NOT NULL DEFAULT '',
                    received_at REAL NOT NULL,
                    PRIMARY KEY (channel, provider_id, part, status)
                ) WITHOUT ROWID
                """)
            // How far the receipt files have caught up with receipt_event (its sequence). A store that had
            // events before this migration starts a day before its newest event: the first tick rewrites at
            // most the last day's hours, not the store's whole history.
            try db.execute(sql: """
                INSERT OR IGNORE INTO state (key, value)
                SELECT ?, CAST(COALESCE((SELECT MAX(sequence) FROM receipt_event
                                         WHERE event_at < (SELECT MAX(event_at) FROM receipt_event) - 86400), 0) AS TEXT)
                """, arguments: [SQLiteStore.receiptsWrittenThroughKey])
        }
    }

    static func registerSourcesV4(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-sources") { db in
            // The input row behind each customer and message (`members.csv:12`), so a receipt can be traced
            // back to the ERP export line it came from.
            try db.execute(sql: "ALTER TABLE customer ADD COLUMN source TEXT NOT NULL DEFAULT ''")
            try db.execute(sql: "ALTER TABLE message ADD COLUMN source TEXT NOT NULL DEFAULT ''")
        }
    }

    static func registerDispatchV3(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-dispatch") { db in
            // Every delivery report once: gateways repeat reports, and a repeat must change nothing.
            // `part` is the provider's id of one part of a multipart message ('' when there is one id).
            try db.execute(sql: """
                CREATE TABLE delivery_report (
                    channel TEXT NOT NULL,
                    message_key TEXT NOT NULL,
                    part TEXT NOT NULL,
                    status TEXT NOT NULL,
                    provider_code TEXT NOT NULL DEFAULT '',
                    received_at REAL NOT NULL,
                    PRIMARY KEY (channel, message_key, part, status)
                ) WITHOUT ROWID
                """)
            // Generic gateways report by their own message id.
            try db.execute(sql: "CREATE INDEX message_provider ON message(channel, provider_id) WHERE provider_id IS NOT NULL")
            // Opt-outs scoped to one sender (brand) when `opt_out_scope: sender`; '' means every sender.
            // The UNIQUE constraint must include the scope, so the table is rebuilt (SQLite cannot alter it).
            try db.execute(sql: """
                CREATE TABLE suppression_v3 (
                    phone TEXT NOT NULL DEFAULT '',
                    customer_id TEXT NOT NULL DEFAULT '',
                    category TEXT NOT NULL DEFAULT '',
                    sender TEXT NOT NULL DEFAULT '',
                    source TEXT NOT NULL CHECK (source IN ('opt_out_reply', 'hard_failure', 'block_list', 'inbox_file')),
                    detail TEXT NOT NULL DEFAULT '',
                    at REAL NOT NULL,
                    CHECK (phone <> '' OR customer_id <> ''),
                    UNIQUE (phone, customer_id, category, sender, source)
                );
                INSERT INTO suppression_v3 (phone, customer_id, category, source, detail, at)
                    SELECT phone, customer_id, category, source, detail, at FROM suppression;
                DROP TABLE suppression;
                ALTER TABLE suppression_v3 RENAME TO suppression;
                CREATE INDEX suppression_phone ON suppression(phone) WHERE phone <> '';
                CREATE INDEX suppression_customer ON suppression(customer_id) WHERE customer_id <> '';
                """)
        }
    }
}
