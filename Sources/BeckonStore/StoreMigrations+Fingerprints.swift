import GRDB

extension StoreMigrations {
    static func registerImportFingerprintsV13(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13-import-fingerprints") { db in
            // The record fingerprints of the last customer file imported under one parsing context (kind, header,
            // mapping, encoding, zone, parser version), sorted, 16 bytes each; `through_change` is the last
            // customer change number when that import finished. See docs/import.md.
            try db.execute(sql: """
                CREATE TABLE import_fingerprint (
                    context TEXT PRIMARY KEY NOT NULL,
                    through_change INTEGER NOT NULL,
                    fingerprints BLOB NOT NULL
                )
                """)
        }
    }
}
