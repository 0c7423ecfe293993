import BeckonCore
import Foundation
import GRDB

extension SQLiteStore: ImportJournal {
    public func importedFile(sha256: String) throws -> ImportedFile? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM imported_file WHERE sha256 = ?", arguments: [sha256]).map {
                ImportedFile(sha256: $0["sha256"], name: $0["name"], rows: $0["rows"], rejectedRows: $0["rejected_rows"],
                             importedAt: Date(timeIntervalSince1970: $0["imported_at"]))
            }
        }
    }

    public func recordImport(_ file: ImportedFile) throws {
        try writer.write { db in try Self.recordImport(file, in: db) }
    }

    public func commitImport(customers: [Customer], file: ImportedFile) throws {
        try writer.write { db in
            try Self.upsert(customers, in: db)
            try Self.recordImport(file, in: db)
        }
    }

    /// Records the import inside the caller's transaction, so rows and the record commit together.
    public static func recordImport(_ file: ImportedFile, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO imported_file (sha256, name, rows, rejected_rows, imported_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(sha256) DO NOTHING
            """, arguments: [file.sha256, file.name, file.rows, file.rejectedRows, file.importedAt.timeIntervalSince1970])
    }
}
