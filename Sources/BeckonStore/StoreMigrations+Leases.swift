import GRDB

extension StoreMigrations {
    /// Claims with leases (`DispatchClaims`) and the leader lease (`LeaderLeases`), judged by the database's clock.
    static func registerLeasesV17(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v17-leases") { db in
            // Until when a `pending` message is its claimant's, in seconds since 1970 by SQLite's clock. NULL for a
            // claim made without a lease (`MessageLedger.claim`), which crash recovery settles by the claimant's pid.
            // The fence is (key, status, attempts, claimed_by): the columns a claim already writes.
            try db.execute(sql: "ALTER TABLE message ADD COLUMN lease_until REAL")
            try db.execute(sql: """
                CREATE INDEX message_lease ON message(lease_until) WHERE status = 'pending' AND lease_until IS NOT NULL
                """)
            // One row per role that one daemon at a time performs; `term` grows with every new holder.
            try db.execute(sql: """
                CREATE TABLE leader_lease (
                    role TEXT PRIMARY KEY NOT NULL,
                    holder TEXT NOT NULL,
                    term INTEGER NOT NULL CHECK (term > 0),
                    lease_until REAL NOT NULL
                ) WITHOUT ROWID
                """)
        }
    }
}
