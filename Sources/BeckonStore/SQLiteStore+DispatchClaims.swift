import BeckonCore
import Foundation
import GRDB

/// Claims with leases on the embedded store, through GRDB's async writes (no thread of the cooperative pool waits
/// on SQLite's lock). SQLite's one writer at a time makes every claim disjoint; its clock is the host's system
/// clock, shared by every process on the one host that can open the file.
extension SQLiteStore: DispatchClaims {
    /// Seconds since 1970 by SQLite's clock, to the millisecond (`unixepoch('subsec')` needs SQLite 3.42; Debian 12
    /// ships 3.40). One statement reads one instant however often it names it.
    static let databaseNow = "((julianday('now') - 2440587.5) * 86400.0)"

    @discardableResult
    public func scheduleForDispatch(_ messages: [PlannedMessage], at now: Date) async throws -> Int {
        // One process dispatches from a SQLite store: it reads what is due at its next pass, nobody to wake.
        try await writer.write { db in try Self.schedule(messages, at: now, in: db).count }
    }

    public func claimDue(at now: Date, limit: Int, owner: String, lease: Duration) async throws -> [DispatchClaim] {
        guard limit > 0 else { return [] }
        return try await writer.write { db in
            // The subquery walks message_due (status, send_at, key) in order; RETURNING names exactly the rows
            // this statement changed, with the attempt it counted.
            var update = BoundStatement(try db.cachedStatement(sql: """
                UPDATE message SET status = 'pending', attempts = attempts + 1, claimed_by = ?, claimed_at = ?, updated_at = ?,
                    lease_until = \(Self.databaseNow) + ?
                WHERE key IN (SELECT key FROM message WHERE status = 'scheduled' AND send_at <= ? ORDER BY send_at, key LIMIT ?)
                RETURNING \(Self.entryColumns), lease_until
                """))
            update.bind(owner)
            update.bind(now.timeIntervalSince1970)
            update.bind(now.timeIntervalSince1970)
            update.bind(lease.leaseSeconds)
            update.bind(now.timeIntervalSince1970)
            update.bind(limit)
            let claims = try update.all(in: db) { columns in
                let entry = Self.entry(from: columns)
                return DispatchClaim(message: entry.message, attempt: entry.attempts, owner: owner,
                                     leaseUntil: Date(timeIntervalSince1970: columns.double(Self.entryColumnCount)))
            }
            return claims.sorted { ($0.message.sendAt, $0.key.description) < ($1.message.sendAt, $1.key.description) }
        }
    }

    public func renew(_ claims: [DispatchClaim], lease: Duration) async throws -> [DispatchClaim] {
        guard !claims.isEmpty else { return [] }
        return try await writer.write { db in
            let renew = try db.cachedStatement(sql: """
                UPDATE message SET lease_until = \(Self.databaseNow) + ?
                WHERE key = ? AND status = 'pending' AND attempts = ? AND claimed_by = ?
                RETURNING lease_until
                """)
            return try claims.compactMap { claim in
                var bound = BoundStatement(renew)
                bound.bind(lease.leaseSeconds); bound.bind(claim.key.description); bound.bind(claim.attempt); bound.bind(claim.owner)
                guard let until = try bound.first(in: db, { $0.double(0) }) else { return nil }
                var renewed = claim
                renewed.leaseUntil = Date(timeIntervalSince1970: until)
                return renewed
            }
        }
    }

    public func record(_ outcomes: [ClaimedOutcome], at now: Date) async throws -> FencedRecording {
        guard !outcomes.isEmpty else { return FencedRecording() }
        return try await writer.write { db in
            // Read and written in one transaction, under SQLite's one writer: nobody moves a row in between.
            let fences = try Self.fences(of: outcomes.map(\.claim.key.description), in: db)
            var result = FencedRecording()
            var accepted: [DispatchOutcome] = []
            var seen = Set<String>()
            for item in outcomes {
                let key = item.claim.key.description
                // A second outcome for one claim meets the state the first one wrote: not `pending` any more.
                if let fence = fences[key], !seen.contains(key), item.claim.stands(status: fence.status, attempt: fence.attempt, owner: fence.owner) {
                    accepted.append(item.outcome)
                    result.accepted.append(item.claim.key)
                    seen.insert(key)
                } else {
                    result.refused.append(item.claim.key)
                }
            }
            try LedgerOutcomeWriter.record(accepted, at: now, in: db)
            return result
        }
    }

    public func rescueExpired(at now: Date, limit: Int, channelDeduplicatesByKey: @escaping @Sendable (PlannedMessage) -> Bool)
        async throws -> [RescuedMessage] {
        guard limit > 0 else { return [] }
        return try await writer.write { db in
            var query = BoundStatement(try db.cachedStatement(sql: """
                SELECT \(Self.entryColumns), claimed_by FROM message INDEXED BY message_lease
                WHERE status = 'pending' AND lease_until IS NOT NULL AND lease_until < \(Self.databaseNow)
                ORDER BY lease_until LIMIT ?
                """))
            query.bind(limit)
            // Read in the transaction that settles them: the claim each was read with is the one that stands.
            let rescued = try query.all(in: db) { columns in
                let entry = Self.entry(from: columns)
                return RescuedMessage(
                    key: entry.message.key, owner: columns.text(Self.entryColumnCount) ?? "", attempt: entry.attempts,
                    rescue: InFlightRescue.decide(channelDeduplicatesByKey: channelDeduplicatesByKey(entry.message), cause: .leaseExpiry))
            }
            try LedgerOutcomeWriter.record(rescued.map { $0.outcome(at: now) }, at: now, in: db)
            return rescued
        }
    }

    public func databaseNow() async throws -> Date {
        try await writer.read { db in
            Date(timeIntervalSince1970: try Double.fetchOne(db, sql: "SELECT \(Self.databaseNow)") ?? 0)
        }
    }

    /// The fence columns of these messages: status, attempt and owner.
    static func fences(of keys: [String], in db: Database) throws -> [String: (status: MessageStatus, attempt: Int, owner: String?)] {
        var fences: [String: (status: MessageStatus, attempt: Int, owner: String?)] = [:]
        var query = BoundStatement(try db.cachedStatement(sql: """
            SELECT key, status, attempts, claimed_by FROM message WHERE key IN (SELECT value FROM json_each(?))
            """))
        query.bind(JSONString.array(keys))
        try query.forEachRow(in: db) { columns in
            guard let key = columns.text(0), let status = columns.text(1).flatMap(MessageStatus.init(rawValue:)) else { return }
            fences[key] = (status, columns.int(2), columns.text(3))
        }
        return fences
    }
}

extension SQLiteStore: LeaderLeases {
    public func acquireLeadership(of role: String, for holder: String, lease: Duration) async throws -> LeaderTerm? {
        try await writer.write { db in
            // Free, expired, or already this holder's. A live lease of the same holder keeps its term; anything
            // else starts a new one. SET reads the row's old values, so `term` sees the previous holder.
            var upsert = BoundStatement(try db.cachedStatement(sql: """
                INSERT INTO leader_lease (role, holder, term, lease_until) VALUES (?, ?, 1, \(Self.databaseNow) + ?)
                ON CONFLICT (role) DO UPDATE SET
                    term = CASE WHEN leader_lease.holder = excluded.holder AND leader_lease.lease_until > \(Self.databaseNow)
                                THEN leader_lease.term ELSE leader_lease.term + 1 END,
                    holder = excluded.holder, lease_until = excluded.lease_until
                WHERE leader_lease.holder = excluded.holder OR leader_lease.lease_until <= \(Self.databaseNow)
                RETURNING term, lease_until
                """))
            upsert.bind(role); upsert.bind(holder); upsert.bind(lease.leaseSeconds)
            return try upsert.first(in: db) { columns in
                LeaderTerm(role: role, holder: holder, term: Int64(columns.int(0)), leaseUntil: Date(timeIntervalSince1970: columns.double(1)))
            }
        }
    }

    public func renewLeadership(_ term: LeaderTerm, lease: Duration) async throws -> LeaderTerm? {
        try await writer.write { db in
            var update = BoundStatement(try db.cachedStatement(sql: """
                UPDATE leader_lease SET lease_until = \(Self.databaseNow) + ?
                WHERE role = ? AND holder = ? AND term = ? AND lease_until > \(Self.databaseNow)
                RETURNING lease_until
                """))
            update.bind(lease.leaseSeconds); update.bind(term.role); update.bind(term.holder); update.bind(Int(term.term))
            return try update.first(in: db) { columns in
                var renewed = term
                renewed.leaseUntil = Date(timeIntervalSince1970: columns.double(0))
                return renewed
            }
        }
    }

    public func releaseLeadership(_ term: LeaderTerm) async throws {
        try await writer.write { db in
            var update = BoundStatement(try db.cachedStatement(sql: """
                UPDATE leader_lease SET lease_until = \(Self.databaseNow) WHERE role = ? AND holder = ? AND term = ?
                """))
            update.bind(term.role); update.bind(term.holder); update.bind(Int(term.term))
            try update.execute(in: db)
        }
    }

    public func leader(of role: String) async throws -> LeaderTerm? {
        try await writer.read { db in
            var query = BoundStatement(try db.cachedStatement(sql: """
                SELECT holder, term, lease_until FROM leader_lease WHERE role = ? AND lease_until > \(Self.databaseNow)
                """))
            query.bind(role)
            return try query.first(in: db) { columns in
                LeaderTerm(role: role, holder: columns.text(0) ?? "", term: Int64(columns.int(1)),
                           leaseUntil: Date(timeIntervalSince1970: columns.double(2)))
            }
        }
    }
}
