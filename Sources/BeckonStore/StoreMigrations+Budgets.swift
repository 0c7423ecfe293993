import GRDB

extension StoreMigrations {
    /// Budgets count each message at the instant it was claimed for sending (not its last update, which a
    /// delivery report moves into the next day or month) and at the price of the channel it was claimed for.
    static func registerBudgetsV16(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16-budgets") { db in
            try db.execute(sql: "ALTER TABLE message ADD COLUMN claimed_at REAL")
            try db.execute(sql: "ALTER TABLE message ADD COLUMN unit_price REAL")
            // What went before the upgrade counts from its last update: the best instant the ledger kept.
            try db.execute(sql: """
                UPDATE message SET claimed_at = updated_at
                WHERE status IN ('pending', 'queued', 'sent', 'delivered', 'undelivered', 'unknown')
                """)
            // Covering the spend query: one range of one campaign's claims, read without touching the rows.
            try db.execute(sql: """
                CREATE INDEX message_budget ON message(campaign, claimed_at, status, segments, unit_price, channel)
                WHERE claimed_at IS NOT NULL
                """)
        }
    }
}
