import BeckonCore
import Foundation
import GRDB

extension SQLiteStore: MessageLedger {
    public func schedule(_ messages: [PlannedMessage], at now: Date) throws -> [PlannedMessage] {
        try writer.write { db in try Self.schedule(messages, at: now, in: db) }
    }

    /// The rows, codes and links of `schedule(_:at:)`, inside the caller's transaction.
    static func schedule(_ messages: [PlannedMessage], at now: Date, in db: Database) throws -> [PlannedMessage] {
        try messages.compactMap { planned in
            guard try Self.insert(planned, status: .scheduled, reasonCode: nil, at: now, in: db) else { return nil }
            var message = planned
            // Its code in the same transaction: the row and its code land together or neither does. A message
            // held for an empty pool keeps its coupon slots (`CouponSlots`) until a code arrives.
            if let request = message.coupon {
                if let text = try Self.giveCoupon(to: message.key.description, text: message.text, request, at: now, in: db) {
                    message.text = text
                }
            }
            // Its tracked links in the same transaction: a planned message never has a link that 404s.
            if !message.links.isEmpty {
                try Self.recordLinks(of: message.key, message.links, campaign: message.key.campaign, variant: message.variant,
                                     text: message.text, at: now, in: db)
            }
            return message
        }
    }

    public func recordDecided(_ decided: [DecidedMessage], at now: Date) throws -> [DecidedMessage] {
        try writer.write { db in
            try decided.filter { item in
                guard try Self.insert(item.message, status: item.status, reasonCode: item.reasonCode, at: now, in: db) else { return false }
                try Self.appendReceipt(key: item.message.key.description, status: item.status, at: now, in: db)
                return true
            }
        }
    }

    /// Inserts a message unless its key is already in the ledger; the UNIQUE key decides. True when new.
    static func insert(_ message: PlannedMessage, status: MessageStatus, reasonCode: String?, at now: Date,
                       in db: Database) throws -> Bool {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO message (key, campaign, wave, customer_id, local_date, category, phone, channel, text,
                                 variant, reason, send_at, valid_until, status, reason_code, segments, encoding,
                                 created_at, updated_at, source, triggered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(key) DO NOTHING
            """)
        // What the carrier will charge, as receipts and reconciliation report it.
        let count = SegmentCounter.count(message.text)
        var bound = BoundStatement(insert)
        bound.bind(message.key.description); bound.bind(message.key.campaign); bound.bind(message.key.wave)
        bound.bind(message.key.customer); bound.bind(message.key.localDate.description); bound.bind(message.category.rawValue)
        bound.bind(message.phone); bound.bind(message.channel); bound.bind(message.text); bound.bind(message.variant)
        bound.bind(message.reason); bound.bind(message.sendAt.timeIntervalSince1970); bound.bind(message.validUntil.timeIntervalSince1970)
        bound.bind(status.rawValue); bound.bind(reasonCode); bound.bind(count.segments); bound.bind(count.encoding.rawValue)
        bound.bind(now.timeIntervalSince1970); bound.bind(now.timeIntervalSince1970); bound.bind(message.source)
        bound.bind(message.triggeredAt?.timeIntervalSince1970)
        try bound.execute(in: db)
        return db.changesCount > 0
    }

    /// A receipt event from the message's row as it stands; `reasonCode` replaces the row's when given.
    static func appendReceipt(key: String, status: MessageStatus, at now: Date, reasonCode: String? = nil, in db: Database) throws {
        // Cached: one compiled statement for the whole batch (compiling per row dominated dispatch profiles).
        try db.cachedStatement(sql: """
            INSERT INTO receipt_event (key, status, provider_id, provider_code, reason_code, segments, encoding, event_at)
            SELECT key, ?, provider_id, provider_code, COALESCE(?, reason_code), segments, encoding, ? FROM message WHERE key = ?
            """).execute(arguments: [status.rawValue, reasonCode, now.timeIntervalSince1970, key])
    }

    public func capHistory(customerIDs: [String], since: Date) throws -> [String: [CapRecord]] {
        guard !customerIDs.isEmpty else { return [:] }
        // What went or is in flight fills caps; what is scheduled competes for its local day (and is read
        // with its limit and number, so the gate can tell whether it will still go). A scheduled
        // transactional message competes for nothing: left out, it costs the dispatcher no read. A message
        // that went counts from its last update (its claim, outcome or report: never before it went, never
        // after the present), not from its planned time, which a late cycle may have passed by a whole tick.
        let counted = (MessageStatus.allCases.filter(\.countsAsSent) + [.scheduled]).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try writer.read { db in
            var history: [String: [CapRecord]] = [:]
            for start in stride(from: 0, to: customerIDs.count, by: 500) {
                let chunk = Array(customerIDs[start..<min(start + 500, customerIDs.count)])
                // INDEXED BY pins the per-customer index: with `status IN` and a `send_at` range, SQLite's
                // planner otherwise picks message_due and walks every sent message of the window for each
                // batch, which made the dispatcher quadratic (a fifth of a 100,000-message run).
                var query = BoundStatement(try db.chunkStatement(full: chunk.count == 500, sql: """
                    SELECT campaign, wave, customer_id, local_date, category,
                           CASE status WHEN 'scheduled' THEN send_at ELSE updated_at END, status, valid_until, phone, triggered_at
                    FROM message INDEXED BY message_customer
                    WHERE customer_id IN (\(databaseQuestionMarks(count: chunk.count))) AND status IN (\(counted)) AND send_at > ?
                      AND NOT (status = 'scheduled' AND category = 'transactional')
                    """))
                for id in chunk { query.bind(id) }
                query.bind(since.timeIntervalSince1970)
                try query.forEachRow(in: db) { column in
                    let key = MessageKey(campaign: column.text(0) ?? "", wave: column.int(1), customer: column.text(2) ?? "",
                                         localDate: column.text(3).flatMap(LocalDate.init(iso:)) ?? LocalDate(dayNumber: 0))
                    history[key.customer, default: []].append(CapRecord(
                        key: key, category: column.text(4).flatMap(MessageCategory.init(rawValue:)) ?? .marketing,
                        at: Date(timeIntervalSince1970: column.double(5)),
                        status: column.text(6).flatMap(MessageStatus.init(rawValue:)) ?? .unknown,
                        validUntil: Date(timeIntervalSince1970: column.double(7)), phone: column.text(8),
                        triggeredAt: column.optionalDouble(9).map(Date.init(timeIntervalSince1970:))))
                }
            }
            return history
        }
    }

    public func due(at now: Date, after cursor: DueCursor?, limit: Int) throws -> DueBatch {
        try writer.read { db in
            // The row-value seek walks message_due (status, send_at, then the primary key) from where the last
            // batch ended, so the messages of a batch still waiting for a send slot are not read again.
            var query = BoundStatement(try db.cachedStatement(sql: """
                SELECT \(Self.entryColumns), send_at, key FROM message
                WHERE status = 'scheduled' AND send_at <= ? AND (send_at, key) > (?, ?)
                ORDER BY send_at, key LIMIT ?
                """))
            query.bind(now.timeIntervalSince1970)
            query.bind(cursor?.sendAt ?? -Double.greatestFiniteMagnitude)
            query.bind(cursor?.key ?? "")
            query.bind(limit)
            var next = cursor
            let entries = try query.all(in: db) { columns in
                next = DueCursor(sendAt: columns.double(Self.entryColumnCount), key: columns.text(Self.entryColumnCount + 1) ?? "")
                return Self.entry(from: columns)
            }
            return DueBatch(entries: entries, next: next)
        }
    }

    public func scheduledOutlook() throws -> (count: Int, next: Date?) {
        try writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, MIN(send_at) AS next FROM message WHERE status = 'scheduled'")
            return (row?["n"] ?? 0, (row?["next"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func claim(_ keys: [MessageKey], by claimant: String, at now: Date) throws -> [MessageKey] {
        guard !keys.isEmpty else { return [] }
        return try writer.write { db in
            let claimed = try Self.claim(keys.map(\.description), by: claimant, attempt: true, at: now, in: db)
            return keys.filter { claimed.contains($0.description) }
        }
    }

    public func claimAndRecord(_ outcomes: [DispatchOutcome], by claimant: String, at now: Date) throws -> [DispatchOutcome] {
        guard !outcomes.isEmpty else { return [] }
        return try writer.write { db in
            let claimed = try Self.claim(outcomes.map(\.key.description), by: claimant, attempt: false, at: now, in: db)
            let mine = outcomes.filter { claimed.contains($0.key.description) }
            try LedgerOutcomeWriter.record(mine, at: now, in: db)
            return mine
        }
    }

    /// `scheduled` -> `pending` for the keys still scheduled, in one statement whatever the count (the keys go
    /// in as one JSON array, so one cached statement serves every window size); `RETURNING` names exactly the
    /// rows this statement changed, which is what makes a claim safe against a second process claiming the
    /// same keys (SQLite >= 3.35; GRDB's SQLite is the system's, 3.40 on Debian 12).
    static func claim(_ keys: [String], by claimant: String, attempt: Bool, at now: Date, in db: Database) throws -> Set<String> {
        var claimed = Set<String>()
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = keys[start..<min(start + 500, keys.count)]
            // `+status` keeps SQLite on the primary key: with a bare `status =` it may prefer message_due and
            // walk every scheduled message.
            // A claim to send takes only what is due: a message the gate deferred since it was read (a copy of it
            // in the dispatcher's read-ahead) has a later send time and is not taken early.
            var update = BoundStatement(try db.cachedStatement(sql: """
                UPDATE message SET status = 'pending', attempts = attempts + ?, claimed_by = ?, updated_at = ?,
                    claimed_at = CASE WHEN ? = 1 THEN ? ELSE claimed_at END
                WHERE key IN (SELECT value FROM json_each(?)) AND +status = 'scheduled' AND (? = 0 OR send_at <= ?)
                RETURNING key
                """))
            update.bind(attempt ? 1 : 0)
            update.bind(claimant)
            update.bind(now.timeIntervalSince1970)
            // The instant budgets count a message from: when it was taken to be sent.
            update.bind(attempt ? 1 : 0)
            update.bind(now.timeIntervalSince1970)
            update.bind(JSONString.array(chunk))
            update.bind(attempt ? 1 : 0)
            update.bind(now.timeIntervalSince1970)
            try update.forEachRow(in: db) { columns in
                if let key = columns.text(0) { claimed.insert(key) }
            }
        }
        return claimed
    }

    public func record(_ outcomes: [DispatchOutcome], at now: Date) throws {
        try writer.write { db in try LedgerOutcomeWriter.record(outcomes, at: now, in: db) }
    }

    public func pendingAfterCrash(takenOverBy claimant: String, isAlive: (String?) -> Bool) throws -> [LedgerEntry] {
        try writer.write { db in
            var left: [(entry: LedgerEntry, owner: String?)] = []
            // A claim with a lease (`DispatchClaims`) is rescued when the database's clock says it expired, not
            // by its owner's pid: its owner may run on another host.
            try BoundStatement(try db.cachedStatement(sql: """
                SELECT \(Self.entryColumns), claimed_by FROM message WHERE status = 'pending' AND lease_until IS NULL ORDER BY key
                """)).forEachRow(in: db) { columns in
                let owner = columns.text(Self.entryColumnCount)
                // Another live process's messages are in flight: never settle them.
                if owner != claimant && !isAlive(owner) { left.append((Self.entry(from: columns), owner)) }
            }
            // Taken over row by row, on the owner it was read with: two processes recovering at once settle
            // each message once.
            var taken: [LedgerEntry] = []
            let takeOver = try db.cachedStatement(sql: """
                UPDATE message SET claimed_by = ? WHERE key = ? AND status = 'pending' AND claimed_by IS ?
                """)
            for (entry, owner) in left {
                try takeOver.execute(arguments: [claimant, entry.message.key.description, owner])
                if db.changesCount > 0 { taken.append(entry) }
            }
            return taken
        }
    }

    public func entry(for key: MessageKey) throws -> LedgerEntry? {
        try writer.read { db in
            var query = BoundStatement(try db.cachedStatement(sql: "SELECT \(Self.entryColumns) FROM message WHERE key = ?"))
            query.bind(key.description)
            return try query.first(in: db, Self.entry(from:))
        }
    }

    /// A customer's ledger rows for one local day, every state, in key order (for `explain`).
    public func entries(customerID: String, localDate: LocalDate) throws -> [LedgerEntry] {
        try writer.read { db in
            var query = BoundStatement(try db.cachedStatement(sql: """
                SELECT \(Self.entryColumns) FROM message INDEXED BY message_customer WHERE customer_id = ? AND local_date = ? ORDER BY key
                """))
            query.bind(customerID)
            query.bind(localDate.description)
            return try query.all(in: db, Self.entry(from:))
        }
    }

    /// The ledger rows of many keys, read 500 at a time (for `plan` over every customer).
    public func entries(for keys: [MessageKey]) throws -> [MessageKey: LedgerEntry] {
        guard !keys.isEmpty else { return [:] }
        return try writer.read { db in
            var found: [MessageKey: LedgerEntry] = [:]
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = keys[start..<min(start + 500, keys.count)].map(\.description)
                var query = BoundStatement(try db.chunkStatement(
                    full: chunk.count == 500,
                    sql: "SELECT \(Self.entryColumns) FROM message WHERE key IN (\(databaseQuestionMarks(count: chunk.count)))"))
                for key in chunk { query.bind(key) }
                try query.forEachRow(in: db) { columns in
                    let entry = Self.entry(from: columns)
                    found[entry.message.key] = entry
                }
            }
            return found
        }
    }

    static func key(from row: Row) -> MessageKey {
        MessageKey(campaign: row["campaign"], wave: row["wave"], customer: row["customer_id"],
                   localDate: LocalDate(iso: row["local_date"] as String) ?? LocalDate(dayNumber: 0))
    }

    /// The columns `entry(from:)` reads, in the order it reads them.
    static let entryColumns = """
        campaign, wave, customer_id, local_date, category, phone, channel, text, variant, send_at, valid_until, reason,
        source, status, attempts, provider_id, provider_code, reason_code, updated_at, triggered_at
        """
    /// How many columns `entryColumns` names: a query that selects more after them reads those from here.
    static let entryColumnCount: Int32 = 20

    /// Decodes a row selected with `entryColumns`, by position, straight through `sqlite3_column_*`: the
    /// dispatcher decodes hundreds of thousands of these, and GRDB's by-name lookups were a visible share.
    static func entry(from columns: BoundStatement.Columns) -> LedgerEntry {
        let key = MessageKey(campaign: columns.text(0) ?? "", wave: columns.int(1), customer: columns.text(2) ?? "",
                             localDate: columns.text(3).flatMap(LocalDate.init(iso:)) ?? LocalDate(dayNumber: 0))
        let message = PlannedMessage(
            key: key, category: columns.text(4).flatMap(MessageCategory.init(rawValue:)) ?? .marketing,
            phone: columns.text(5) ?? "", channel: columns.text(6) ?? "", text: columns.text(7) ?? "", variant: columns.text(8) ?? "",
            sendAt: Date(timeIntervalSince1970: columns.double(9)), validUntil: Date(timeIntervalSince1970: columns.double(10)),
            reason: columns.text(11) ?? "", source: columns.text(12) ?? "",
            triggeredAt: columns.optionalDouble(19).map(Date.init(timeIntervalSince1970:)))
        return LedgerEntry(
            message: message, status: columns.text(13).flatMap(MessageStatus.init(rawValue:)) ?? .unknown, attempts: columns.int(14),
            providerID: columns.text(15), providerCode: columns.text(16), reasonCode: columns.text(17),
            updatedAt: Date(timeIntervalSince1970: columns.double(18)))
    }
}
