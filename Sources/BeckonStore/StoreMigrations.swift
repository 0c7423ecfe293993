import GRDB

/// The schema, as an ordered list of migrations shared by production and tests.
///
/// Each area registers its own migrations; never edit a shipped migration, add a new one.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        registerCustomers(&migrator)
        registerLedger(&migrator)
        registerState(&migrator)
        registerImports(&migrator)
        registerSuppressions(&migrator)
        registerInboxV2(&migrator)
        registerDispatchV3(&migrator)
        registerSourcesV4(&migrator)
        registerClaimsV5(&migrator)
        registerReceiptsV5(&migrator)
        registerInboxKindsV6(&migrator)
        registerEventsV7(&migrator)
        registerSendPausesV8(&migrator)
        registerPlanningV9(&migrator)
        registerLinksV10(&migrator)
        registerImportFingerprintsV13(&migrator)
        registerConversionsV11(&migrator)
        registerHygieneV14(&migrator)
        registerCouponsV15(&migrator)
        registerBudgetsV16(&migrator)
        registerLeasesV17(&migrator)
        return migrator
    }

    static func registerCustomers(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-customers") { db in
            try db.execute(sql: """
                CREATE TABLE customer (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    birthday TEXT,              -- YYYY-MM-DD (solar date of birth)
                    birthday_lunar INTEGER NOT NULL DEFAULT 0 CHECK (birthday_lunar IN (0, 1)),
                    timezone TEXT,
                    tier TEXT,
                    tags TEXT NOT NULL DEFAULT '[]',        -- JSON array
                    attributes TEXT NOT NULL DEFAULT '{}',  -- JSON object
                    last_order_at REAL,
                    order_count INTEGER NOT NULL DEFAULT 0,
                    total_spend REAL NOT NULL DEFAULT 0,
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX customer_phone ON customer(phone)")
        }
    }

    static func registerLedger(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE message (
                    key TEXT PRIMARY KEY NOT NULL,  -- campaign/wave/customer/local date: the exactly-once key
                    campaign TEXT NOT NULL,
                    wave INTEGER NOT NULL,
                    customer_id TEXT NOT NULL,
                    local_date TEXT NOT NULL,
                    category TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    text TEXT NOT NULL,
                    variant TEXT NOT NULL DEFAULT '',
                    reason TEXT NOT NULL DEFAULT '',
                    send_at REAL NOT NULL,
                    valid_until REAL NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('scheduled', 'pending', 'queued', 'sent', 'delivered',
                        'undelivered', 'failed', 'unknown', 'suppressed', 'deferred', 'dropped', 'expired')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    provider_id TEXT,
                    provider_code TEXT,
                    reason_code TEXT,
                    segments INTEGER NOT NULL DEFAULT 0,
                    encoding TEXT NOT NULL DEFAULT '',
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX message_due ON message(status, send_at)")
            try db.execute(sql: "CREATE INDEX message_customer ON message(customer_id, created_at)")
            try db.execute(sql: """
                CREATE TABLE receipt_event (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL REFERENCES message(key),
                    status TEXT NOT NULL,
                    provider_id TEXT,
                    provider_code TEXT,
                    reason_code TEXT,
                    segments INTEGER NOT NULL DEFAULT 0,
                    encoding TEXT NOT NULL DEFAULT '',
                    event_at REAL NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX receipt_event_time ON receipt_event(event_at)")
        }
    }

    static func registerState(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-state") { db in
            try db.execute(sql: "CREATE TABLE state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID")
        }
    }

    static func registerImports(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-imports") { db in
            try db.execute(sql: """
                CREATE TABLE imported_file (
                    sha256 TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    rows INTEGER NOT NULL,
                    rejected_rows INTEGER NOT NULL,
                    imported_at REAL NOT NULL
                ) WITHOUT ROWID
                """)
        }
    }

    static func registerSuppressions(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-suppressions") { db in
            // Empty strings instead of NULL so that the UNIQUE constraint deduplicates repeated opt-outs.
            try db.execute(sql: """
                CREATE TABLE suppression (
                    phone TEXT NOT NULL DEFAULT '',
                    customer_id TEXT NOT NULL DEFAULT '',
                    category TEXT NOT NULL DEFAULT '',
                    source TEXT NOT NULL CHECK (source IN ('opt_out_reply', 'hard_failure', 'block_list', 'inbox_file')),
                    detail TEXT NOT NULL DEFAULT '',
                    at REAL NOT NULL,
                    CHECK (phone <> '' OR customer_id <> ''),
                    UNIQUE (phone, customer_id, category, source)
                )
                """)
            try db.execute(sql: "CREATE INDEX suppression_phone ON suppression(phone) WHERE phone <> ''")
            try db.execute(sql: "CREATE INDEX suppression_customer ON suppression(customer_id) WHERE customer_id <> ''")
        }
    }
}
