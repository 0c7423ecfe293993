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

    public func importProgress(sha256: String) throws -> ImportProgress? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM import_progress WHERE sha256 = ?", arguments: [sha256]).map {
                ImportProgress(sha256: $0["sha256"], name: $0["name"], nextLine: $0["next_line"], rows: $0["rows"], rejectedRows: $0["rejected_rows"],
                               kind: $0["kind"], snapshot: $0["snapshot"])
            }
        }
    }

    public func commitBatch(_ batch: ImportBatch, progress: ImportProgress) throws {
        try writer.write { db in
            try Self.reviveEvents(ofArriving: batch.customers.map(\.id), in: db)
            try Self.upsert(batch.customers, seenIn: progress.sha256, snapshot: progress.snapshot, in: db)
            if !batch.events.isEmpty {
                // One arrival number per batch, committed with it. An event delivered again (the same customer,
                // name and instant) keeps its first arrival: it was planned then, and is not new.
                let arrival = try Self.nextEventArrival(in: db)
                let event = try db.cachedStatement(sql: """
                    INSERT INTO customer_event (customer_id, name, at, attributes, source, arrival) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET attributes = excluded.attributes
                    """)
                for e in batch.events {
                    try event.execute(arguments: [e.customerID, e.name, e.at.timeIntervalSince1970, JSONText.encode(e.attributes),
                                                  e.source.isEmpty ? progress.name : e.source, arrival])
                }
            }
            try Self.addSuppressions(batch.suppressions, in: db)
            if !batch.conversions.isEmpty {
                // The same conversion in two files (or a file resumed after a crash) is one row.
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO conversion (customer_id, occurred_at, kind, amount, source) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """)
                for row in batch.conversions {
                    let c = row.conversion
                    try insert.execute(arguments: [c.customerID, c.occurredAt.timeIntervalSince1970, c.kind, c.amount, "\(progress.name):\(row.line)"])
                }
            }
            if !batch.coupons.isEmpty { try Self.insertCoupons(batch.coupons, file: progress.name, in: db) }
            for lift in batch.lifts {
                try db.execute(sql: """
                    DELETE FROM suppression WHERE source IN ('opt_out_reply', 'inbox_file')
                      AND ((? <> '' AND phone = ?) OR (? <> '' AND customer_id = ?))
                    """, arguments: [lift.phone ?? "", lift.phone ?? "", lift.customerID ?? "", lift.customerID ?? ""])
            }
            if !batch.listedIDs.isEmpty {
                let listed = try db.cachedStatement(sql: "UPDATE customer SET seen_in = ? WHERE id = ?")
                for id in batch.listedIDs {
                    var bound = BoundStatement(listed)
                    bound.bind(progress.sha256)
                    bound.bind(id)
                    try bound.execute(in: db)
                }
            }
            let error = try db.cachedStatement(sql: """
                INSERT INTO import_error (sha256, line, field, value, reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            for e in batch.errors { try error.execute(arguments: [progress.sha256, e.line, e.field, e.value, e.reason]) }
            try db.execute(sql: """
                INSERT INTO import_progress (sha256, name, next_line, rows, rejected_rows, kind, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(sha256) DO UPDATE SET next_line = excluded.next_line, rows = excluded.rows,
                    rejected_rows = excluded.rejected_rows, kind = excluded.kind, snapshot = excluded.snapshot
                """, arguments: [progress.sha256, progress.name, progress.nextLine, progress.rows, progress.rejectedRows,
                                 progress.kind, progress.snapshot ? 1 : 0])
        }
    }

    public func rowErrors(sha256: String) throws -> [ImportRowError] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM import_error WHERE sha256 = ? ORDER BY line", arguments: [sha256]).map {
                ImportRowError(line: $0["line"], field: $0["field"], value: $0["value"], reason: $0["reason"])
            }
        }
    }

    public func finishImport(_ file: ImportedFile, snapshot: Bool, fingerprints: ImportFingerprints?) throws {
        try writer.write { db in
            if snapshot {
                // Absent from a full snapshot: kept (history, receipts) but never messaged again. The deactivation
                // takes a change number: a later file listing them again must parse their rows (fingerprints).
                let change = try Self.lastCustomerChange(in: db) + 1
                try db.execute(sql: "UPDATE customer SET active = 0, change_seq = ? WHERE seen_in <> ? AND active = 1",
                               arguments: [change, file.sha256])
                if db.changesCount > 0 {
                    try db.execute(sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                   arguments: [Self.customerChangeKey, String(change)])
                }
            }
            if let fingerprints {
                let blob = Self.fingerprintBlob(fingerprints.values)
                try db.execute(sql: """
                    INSERT INTO import_fingerprint (context, through_change, fingerprints) VALUES (?, ?, ?)
                    ON CONFLICT(context) DO UPDATE SET through_change = excluded.through_change, fingerprints = excluded.fingerprints
                    """, arguments: [fingerprints.context, try Self.lastCustomerChange(in: db), blob])
            }
            try db.execute(sql: """
                INSERT INTO imported_file (sha256, name, rows, rejected_rows, imported_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(sha256) DO NOTHING
                """, arguments: [file.sha256, file.name, file.rows, file.rejectedRows, file.importedAt.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM import_progress WHERE sha256 = ?", arguments: [file.sha256])
            try db.execute(sql: "DELETE FROM import_error WHERE sha256 = ?", arguments: [file.sha256])
        }
    }

    public func importFingerprints(context: String) throws -> ImportFingerprints? {
        try writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT through_change, fingerprints FROM import_fingerprint WHERE context = ?",
                                             arguments: [context]) else { return nil }
            let values = Self.fingerprintValues(row["fingerprints"])
            return ImportFingerprints(context: context, throughChange: row["through_change"], values: values)
        }
    }

    public func customerIDsChanged(after: Int64) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM customer INDEXED BY customer_change WHERE change_seq > ?", arguments: [after])
        }
    }

    public func activeCustomerCount(among ids: [String]?) throws -> Int {
        try writer.read { db in
            guard let ids else { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer WHERE active = 1") ?? 0 }
            var count = 0
            // In chunks: SQLite limits the number of bound parameters in one statement.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                count += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer WHERE active = 1 AND id IN (\(marks))",
                                          arguments: StatementArguments(chunk)) ?? 0
            }
            return count
        }
    }
}

extension SQLiteStore {
    /// The stored form of a fingerprint set: each value as 8 little-endian bytes, end to end. On a little-endian
    /// machine that is the array's own memory, copied at once: a million records' set is 16 MB, and appending
    /// it 8 bytes at a time showed in the re-import profile.
    static func fingerprintBlob(_ values: [UInt64]) -> Data {
        if UInt64(1).littleEndian == 1 { return values.withUnsafeBytes { Data($0) } }
        var blob = Data(capacity: values.count * 8)
        for value in values { withUnsafeBytes(of: value.littleEndian) { blob.append(contentsOf: $0) } }
        return blob
    }

    /// The values of a stored fingerprint set (`fingerprintBlob`); trailing bytes short of a value are ignored.
    static func fingerprintValues(_ blob: Data) -> [UInt64] {
        let count = blob.count / 8
        return [UInt64](unsafeUninitializedCapacity: count) { values, initialized in
            blob.withUnsafeBytes { raw in
                for index in 0..<count {
                    values[index] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                }
            }
            initialized = count
        }
    }

    /// Events that came before their customer (a trigger file taken before the customer file that adds the
    /// customer, or while the customer was inactive) were passed over by planning: nobody to send to. When the
    /// customer arrives, their events count as arriving with them, so the next pass plans them (sent while
    /// still valid, else expired, with a receipt) instead of losing them. One primary-key probe per customer of
    /// the batch into customer_event; the customer row is read only for the events found.
    static func reviveEvents(ofArriving ids: [String], in db: Database) throws {
        guard !ids.isEmpty else { return }
        let next = try lastEventArrival(in: db) + 1
        var update = BoundStatement(try db.cachedStatement(sql: """
            UPDATE customer_event SET arrival = ?
            WHERE customer_id IN (SELECT value FROM json_each(?))
              AND NOT EXISTS (SELECT 1 FROM customer WHERE customer.id = customer_event.customer_id AND customer.active = 1)
            """))
        update.bind(Int(next))
        update.bind(JSONString.array(ids))
        try update.execute(in: db)
        if db.changesCount > 0 {
            try db.execute(sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [eventArrivalKey, String(next)])
        }
    }
}

