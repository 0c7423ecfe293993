import GRDB

extension StoreMigrations {
    static func registerCouponsV15(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15-coupons") { db in
            // Every code of every pool, once (UNIQUE pool, code), given to at most one message (UNIQUE
            // message_key; NULL while free). `expires_on` is the last local day the code is valid (YYYY-MM-DD,
            // which sorts as it reads). See docs/coupons.md.
            try db.execute(sql: """
                CREATE TABLE coupon (
                    pool TEXT NOT NULL CHECK (pool <> ''),
                    code TEXT NOT NULL CHECK (code <> ''),
                    expires_on TEXT NOT NULL CHECK (length(expires_on) = 10),
                    message_key TEXT UNIQUE REFERENCES message(key),
                    given_at REAL,
                    returned INTEGER NOT NULL DEFAULT 0,
                    source TEXT NOT NULL DEFAULT '',  -- FILE:LINE of the row that brought it
                    CHECK ((message_key IS NULL) = (given_at IS NULL)),
                    UNIQUE (pool, code)
                );
                CREATE INDEX coupon_free ON coupon(pool, expires_on, code) WHERE message_key IS NULL;
                CREATE INDEX coupon_given ON coupon(pool, given_at) WHERE message_key IS NOT NULL;
                """)
            // The ledger's side: the pool a message takes from, the last day its code must still be valid on,
            // and the code it holds (cleared when the code goes back to the pool).
            try db.execute(sql: """
                ALTER TABLE message ADD COLUMN coupon_pool TEXT;
                ALTER TABLE message ADD COLUMN coupon_through TEXT;
                ALTER TABLE message ADD COLUMN coupon_code TEXT;
                CREATE INDEX message_coupon_held ON message(coupon_pool, send_at) WHERE status = 'deferred' AND reason_code = 'coupon_pool_empty';
                """)
            // A message that ends without going out (expired, dropped, suppressed, from scheduled, held or
            // claimed-and-decided in one transaction) gives its code back, whichever process or command settles
            // it: the schema keeps the promise, not each writer. A message that went (sent, queued, delivered,
            // failed at a gateway, unknown) keeps its code for ever.
            try db.execute(sql: """
                CREATE TRIGGER coupon_return AFTER UPDATE OF status ON message
                WHEN NEW.coupon_code IS NOT NULL AND OLD.status IN ('scheduled', 'deferred', 'pending')
                     AND NEW.status IN ('expired', 'dropped', 'suppressed')
                BEGIN
                    UPDATE coupon SET message_key = NULL, given_at = NULL, returned = returned + 1 WHERE message_key = NEW.key;
                    UPDATE message SET coupon_code = NULL WHERE key = NEW.key;
                END
                """)
        }
    }
}
