import BeckonStore
import Foundation
import PostgresNIO

/// The leader lease on PostgreSQL: one row per role, taken, renewed and judged with the database's `now()`.
extension PostgresStore: LeaderLeases {
    public func acquireLeadership(of role: String, for holder: String, lease: Duration) async throws -> LeaderTerm? {
        // Free, expired, or already this holder's. A live lease of the same holder keeps its term; anything else
        // starts a new one. SET reads the row's old values, so `term` sees the previous holder. The row lock of
        // the upsert serialises two daemons acquiring at once: the second sees the first's live lease.
        let rows = try await client.query("""
            INSERT INTO leader_lease AS l (role, holder, term, lease_until)
            VALUES (\(role), \(holder), 1, now() + make_interval(secs => \(lease.leaseSeconds)))
            ON CONFLICT (role) DO UPDATE SET
                term = CASE WHEN l.holder = excluded.holder AND l.lease_until > now() THEN l.term ELSE l.term + 1 END,
                holder = excluded.holder, lease_until = excluded.lease_until
            WHERE l.holder = excluded.holder OR l.lease_until <= now()
            RETURNING l.term, l.lease_until
            """, logger: logger)
        // Read to the end (the sequence holds its connection until then), then the one row, if any.
        var terms: [LeaderTerm] = []
        for try await (term, until) in rows.decode((Int64, Date).self) {
            terms.append(LeaderTerm(role: role, holder: holder, term: term, leaseUntil: until))
        }
        return terms.first
    }

    public func renewLeadership(_ term: LeaderTerm, lease: Duration) async throws -> LeaderTerm? {
        let rows = try await client.query("""
            UPDATE leader_lease SET lease_until = now() + make_interval(secs => \(lease.leaseSeconds))
            WHERE role = \(term.role) AND holder = \(term.holder) AND term = \(term.term) AND lease_until > now()
            RETURNING lease_until
            """, logger: logger)
        var renewed: LeaderTerm?
        for try await until in rows.decode(Date.self) {
            renewed = term
            renewed?.leaseUntil = until
        }
        return renewed
    }

    public func releaseLeadership(_ term: LeaderTerm) async throws {
        try await client.query("""
            UPDATE leader_lease SET lease_until = now()
            WHERE role = \(term.role) AND holder = \(term.holder) AND term = \(term.term)
            """, logger: logger)
    }

    public func leader(of role: String) async throws -> LeaderTerm? {
        let rows = try await client.query("""
            SELECT holder, term, lease_until FROM leader_lease WHERE role = \(role) AND lease_until > now()
            """, logger: logger)
        var leader: LeaderTerm?
        for try await (holder, term, until) in rows.decode((String, Int64, Date).self) {
            leader = LeaderTerm(role: role, holder: holder, term: term, leaseUntil: until)
        }
        return leader
    }
}
