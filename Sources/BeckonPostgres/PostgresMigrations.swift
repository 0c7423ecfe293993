import Logging
import PostgresNIO

/// The PostgreSQL schema, as an ordered list of named migrations recorded in `beckon_migrations`.
///
/// Applied in one transaction under a transaction-scoped advisory lock: two daemons starting at once take turns,
/// and the second finds the first's migrations recorded. Never edit a shipped migration; add one at the end. The
/// schema is PostgreSQL's own (timestamptz, partial indexes, identity columns), not SQLite's translated.
enum PostgresMigrations {
    /// The advisory lock's key: "beckon" in ASCII, so an operator reading pg_locks can tell whose it is.
    static let lockKey: Int64 = 0x6265_636B_6F6E

    static let all: [(name: String, statements: [String])] = [
        ("v1-ledger", [
            """
            CREATE TABLE message (
                key text PRIMARY KEY,  -- campaign/wave/customer/local date: the exactly-once key
                campaign text NOT NULL,
                wave integer NOT NULL,
                customer_id text NOT NULL,
                local_date date NOT NULL,
                category text NOT NULL,
                phone text NOT NULL,
                channel text NOT NULL,
                text text NOT NULL,
                variant text NOT NULL DEFAULT '',
                reason text NOT NULL DEFAULT '',
                source text NOT NULL DEFAULT '',
                send_at timestamptz NOT NULL,
                valid_until timestamptz NOT NULL,
                triggered_at timestamptz,
                status text NOT NULL CHECK (status IN ('scheduled', 'pending', 'queued', 'sent', 'delivered',
                    'undelivered', 'failed', 'unknown', 'suppressed', 'deferred', 'dropped', 'expired')),
                attempts integer NOT NULL DEFAULT 0,
                -- The claim that made the message pending: its owner (a daemon's run) and, by the database's clock,
                -- until when it is the owner's. The fence is (key, status, attempts, claimed_by).
                claimed_by text,
                claimed_at timestamptz,
                lease_until timestamptz,
                provider_id text,
                provider_code text,
                reason_code text,
                segments integer NOT NULL DEFAULT 0,
                encoding text NOT NULL DEFAULT '',
                held_report_status text CHECK (held_report_status IN ('queued', 'sent', 'delivered', 'undelivered')),
                held_report_code text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                CHECK (status <> 'pending' OR claimed_by IS NOT NULL)
            )
            """,
            // What a claim walks: only the scheduled rows, in send order.
            "CREATE INDEX message_due ON message (send_at, key) WHERE status = 'scheduled'",
            // What a rescue walks: only the pending rows with a lease, oldest expiry first.
            "CREATE INDEX message_lease ON message (lease_until) WHERE status = 'pending'",
            "CREATE INDEX message_customer ON message (customer_id, created_at)",
            """
            CREATE TABLE receipt_event (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                key text NOT NULL REFERENCES message (key),
                status text NOT NULL,
                provider_id text,
                provider_code text,
                reason_code text,
                segments integer NOT NULL DEFAULT 0,
                encoding text NOT NULL DEFAULT '',
                event_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX receipt_event_time ON receipt_event (event_at)",
        ]),
        ("v2-leader-lease", [
            // One row per role that one daemon at a time performs; `term` grows with every new holder.
            """
            CREATE TABLE leader_lease (
                role text PRIMARY KEY,
                holder text NOT NULL,
                term bigint NOT NULL CHECK (term > 0),
                lease_until timestamptz NOT NULL
            )
            """,
        ]),
    ]

    static func apply(on client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS beckon_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM beckon_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for migration in all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    // The schema's own text, no value from outside: nothing to bind.
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO beckon_migrations (name) VALUES (\(migration.name))", logger: logger)
                logger.info("applied PostgreSQL migration", metadata: ["migration": "\(migration.name)"])
            }
        }
    }
}
