import BeckonCore
import BeckonStore
import Foundation
import Logging
import PostgresNIO

/// Claims and leases on PostgreSQL: one `UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED)` claims a batch, so
/// concurrent claimers never wait on each other's rows and never take the same row; every lease is set and judged
/// with the database's `now()`. Outcomes and rescues lock the rows they fence (`FOR UPDATE`), decide with the rules
/// every backend shares (`DispatchClaim.stands`, `LedgerOutcomeChange`, `InFlightRescue`) and write in the same
/// transaction.
extension PostgresStore: DispatchClaims {
    /// The channel `scheduleForDispatch` notifies (a dedicated listening connection wakes a waiting dispatcher).
    public static let dueChannel = "beckon_due"

    @discardableResult
    public func scheduleForDispatch(_ messages: [PlannedMessage], at now: Date) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        if let message = messages.first(where: { !$0.links.isEmpty || $0.coupon != nil }) {
            throw PostgresStoreError.unsupported("tracked links or coupon codes (message \(message.key))")
        }
        let rows = messages.map(ScheduledRow.init)
        return try await client.withTransaction(logger: logger) { connection in
            var inserted = 0
            for start in stride(from: 0, to: rows.count, by: Self.batchRows) {
                let json = try Self.json(Array(rows[start..<min(start + Self.batchRows, rows.count)]))
                let result = try await connection.query("""
                    WITH new AS (
                        INSERT INTO message (key, campaign, wave, customer_id, local_date, category, phone, channel, text,
                                             variant, reason, source, send_at, valid_until, triggered_at, status, segments,
                                             encoding, created_at, updated_at)
                        SELECT v.key, v.campaign, v.wave, v.customer_id, v.local_date::date, v.category, v.phone, v.channel,
                               v.text, v.variant, v.reason, v.source, to_timestamp(v.send_at), to_timestamp(v.valid_until),
                               to_timestamp(v.triggered_at), 'scheduled', v.segments, v.encoding, \(now), \(now)
                        FROM jsonb_to_recordset(\(json)::jsonb) AS v(key text, campaign text, wave integer, customer_id text,
                             local_date text, category text, phone text, channel text, text text, variant text, reason text,
                             source text, send_at float8, valid_until float8, triggered_at float8, segments integer, encoding text)
                        ON CONFLICT (key) DO NOTHING
                        RETURNING 1
                    )
                    SELECT count(*) FROM new
                    """, logger: logger)
                for try await count in result.decode(Int.self) { inserted += count }
            }
            // Delivered at commit, to every daemon listening: new work is due (or will be).
            if inserted > 0 { try await connection.query("SELECT pg_notify(\(Self.dueChannel), '')", logger: logger) }
            return inserted
        }
    }

    public func claimDue(at now: Date, limit: Int, owner: String, lease: Duration) async throws -> [DispatchClaim] {
        guard limit > 0 else { return [] }
        // SKIP LOCKED: rows another claimer's statement holds are not waited for but left to it; what this
        // statement locked it updates, and RETURNING names exactly those rows, with the attempt it counted.
        let rows = try await client.query("""
            UPDATE message AS m SET status = 'pending', attempts = m.attempts + 1, claimed_by = \(owner), claimed_at = \(now),
                updated_at = \(now), lease_until = now() + make_interval(secs => \(lease.leaseSeconds))
            FROM (SELECT key FROM message WHERE status = 'scheduled' AND send_at <= \(now)
                  ORDER BY send_at, key LIMIT \(limit) FOR UPDATE SKIP LOCKED) AS due
            WHERE m.key = due.key
            RETURNING \(unescaped: Self.claimColumns)
            """, logger: logger)
        var claims: [DispatchClaim] = []
        for try await row in rows { claims.append(try Self.claim(from: row)) }
        return claims.sorted { ($0.message.sendAt, $0.key.description) < ($1.message.sendAt, $1.key.description) }
    }

    public func renew(_ claims: [DispatchClaim], lease: Duration) async throws -> [DispatchClaim] {
        guard !claims.isEmpty else { return [] }
        let json = try Self.json(claims.map { FenceRow(key: $0.key.description, attempt: $0.attempt, owner: $0.owner) })
        let rows = try await client.query("""
            UPDATE message AS m SET lease_until = now() + make_interval(secs => \(lease.leaseSeconds))
            FROM jsonb_to_recordset(\(json)::jsonb) AS c(key text, attempt integer, owner text)
            WHERE m.key = c.key AND m.status = 'pending' AND m.attempts = c.attempt AND m.claimed_by = c.owner
            RETURNING m.key, m.lease_until
            """, logger: logger)
        var renewed: [String: Date] = [:]
        for try await (key, until) in rows.decode((String, Date).self) { renewed[key] = until }
        return claims.compactMap { claim in
            guard let until = renewed[claim.key.description] else { return nil }
            var extended = claim
            extended.leaseUntil = until
            return extended
        }
    }

    public func record(_ outcomes: [ClaimedOutcome], at now: Date) async throws -> FencedRecording {
        guard !outcomes.isEmpty else { return FencedRecording() }
        return try await client.withTransaction(logger: logger) { connection in
            // Locked in key order (two recorders never deadlock); a rescuer skips them, a recorder waits.
            let states = try await Self.lockedStates(of: outcomes.map(\.claim.key.description), on: connection, logger: logger)
            var result = FencedRecording()
            var changes: [LedgerOutcomeChange] = []
            var seen = Set<String>()
            for item in outcomes {
                let key = item.claim.key.description
                guard let state = states[key], !seen.contains(key),
                      item.claim.stands(status: state.row.status, attempt: state.attempt, owner: state.owner) else {
                    result.refused.append(item.claim.key)
                    continue
                }
                seen.insert(key)
                result.accepted.append(item.claim.key)
                if let change = LedgerOutcomeChange(key: key, outcome: item.outcome, current: state.row) { changes.append(change) }
            }
            try await Self.write(changes, at: now, on: connection, logger: logger)
            return result
        }
    }

    public func rescueExpired(at now: Date, limit: Int, channelDeduplicatesByKey: @escaping @Sendable (PlannedMessage) -> Bool)
        async throws -> [RescuedMessage] {
        guard limit > 0 else { return [] }
        return try await client.withTransaction(logger: logger) { connection in
            // Expired by the database's clock; SKIP LOCKED leaves a row whose owner is recording it right now (its
            // outcome is about to stand) and a row another rescuer took.
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.claimColumns), \(unescaped: Self.stateColumns) FROM message AS m
                WHERE m.status = 'pending' AND m.lease_until < now()
                ORDER BY m.lease_until LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: logger)
            var rescued: [RescuedMessage] = []
            var changes: [LedgerOutcomeChange] = []
            for try await row in rows {
                let claim = try Self.claim(from: row)
                let state = try Self.state(from: row, offset: Self.claimColumnCount)
                let rescue = RescuedMessage(
                    key: claim.key, owner: claim.owner, attempt: claim.attempt,
                    rescue: InFlightRescue.decide(channelDeduplicatesByKey: channelDeduplicatesByKey(claim.message), cause: .leaseExpiry))
                rescued.append(rescue)
                if let change = LedgerOutcomeChange(key: claim.key.description, outcome: rescue.outcome(at: now), current: state.row) {
                    changes.append(change)
                }
            }
            try await Self.write(changes, at: now, on: connection, logger: logger)
            return rescued
        }
    }

    public func databaseNow() async throws -> Date {
        var now = Date.distantPast
        for try await instant in try await client.query("SELECT now()", logger: logger).decode(Date.self) { now = instant }
        return now
    }

    // MARK: rows

    /// Rows per statement of a schedule: a JSON document of a few megabytes at most.
    static let batchRows = 5_000

    /// What a claim returns, in the order `claim(from:)` decodes it.
    static let claimColumns = """
        m.key, m.campaign, m.wave, m.customer_id, m.local_date::text, m.category, m.phone, m.channel, m.text, m.variant,
        m.send_at, m.valid_until, m.reason, m.source, m.triggered_at, m.attempts, m.claimed_by, m.lease_until
        """
    static let claimColumnCount = 18
    /// What recording an outcome reads, in the order `state(from:offset:)` decodes it.
    static let stateColumns = """
        m.status, m.attempts, m.claimed_by, m.provider_id, m.segments, m.encoding, m.held_report_status, m.held_report_code
        """

    static func claim(from row: PostgresRow) throws -> DispatchClaim {
        let cells = row.makeRandomAccess()
        let key = MessageKey(campaign: try cells[1].decode(String.self), wave: try cells[2].decode(Int.self),
                             customer: try cells[3].decode(String.self),
                             localDate: LocalDate(iso: try cells[4].decode(String.self)) ?? LocalDate(dayNumber: 0))
        let message = PlannedMessage(
            key: key, category: MessageCategory(rawValue: try cells[5].decode(String.self)) ?? .marketing,
            phone: try cells[6].decode(String.self), channel: try cells[7].decode(String.self), text: try cells[8].decode(String.self),
            variant: try cells[9].decode(String.self), sendAt: try cells[10].decode(Date.self), validUntil: try cells[11].decode(Date.self),
            reason: try cells[12].decode(String.self), source: try cells[13].decode(String.self),
            triggeredAt: try cells[14].decode(Date?.self))
        return DispatchClaim(message: message, attempt: try cells[15].decode(Int.self), owner: try cells[16].decode(String?.self) ?? "",
                             leaseUntil: try cells[17].decode(Date?.self) ?? .distantPast)
    }

    struct LockedState {
        var row: LedgerRowState
        var attempt: Int
        var owner: String?
    }

    static func state(from row: PostgresRow, offset: Int) throws -> LockedState {
        let cells = row.makeRandomAccess()
        let status = MessageStatus(rawValue: try cells[offset].decode(String.self)) ?? .unknown
        let state = LedgerRowState(
            status: status, providerID: try cells[offset + 3].decode(String?.self), segments: try cells[offset + 4].decode(Int.self),
            encoding: try cells[offset + 5].decode(String.self),
            held: try cells[offset + 6].decode(String?.self).flatMap(MessageStatus.init(rawValue:)),
            heldCode: try cells[offset + 7].decode(String?.self))
        return LockedState(row: state, attempt: try cells[offset + 1].decode(Int.self), owner: try cells[offset + 2].decode(String?.self))
    }

    static func lockedStates(of keys: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: LockedState] {
        let rows = try await connection.query("""
            SELECT m.key, \(unescaped: stateColumns) FROM message AS m WHERE m.key = ANY(\(Array(Set(keys)).sorted()))
            ORDER BY m.key FOR UPDATE
            """, logger: logger)
        var states: [String: LockedState] = [:]
        for try await row in rows {
            states[try row.makeRandomAccess()[0].decode(String.self)] = try state(from: row, offset: 1)
        }
        return states
    }

    /// Writes outcome changes and their receipt events inside the caller's transaction, in two statements.
    static func write(_ changes: [LedgerOutcomeChange], at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !changes.isEmpty else { return }
        let updates = try json(changes.map(ChangeRow.init))
        try await connection.query("""
            UPDATE message AS m SET status = v.status, provider_id = v.provider_id, provider_code = v.provider_code,
                reason_code = v.reason_code, segments = v.segments, encoding = v.encoding,
                send_at = COALESCE(to_timestamp(v.send_at), m.send_at), updated_at = \(now), channel = COALESCE(v.channel, m.channel),
                held_report_status = NULL, held_report_code = NULL
            FROM jsonb_to_recordset(\(updates)::jsonb) AS v(key text, status text, provider_id text, provider_code text,
                 reason_code text, segments integer, encoding text, send_at float8, channel text)
            WHERE m.key = v.key
            """, logger: logger)
        var events: [EventRow] = []
        for change in changes {
            for (index, status) in change.events.enumerated() {
                events.append(EventRow(n: events.count, key: change.key, status: status.rawValue, provider_id: change.providerID,
                                       provider_code: change.eventProviderCode(at: index), reason_code: change.reasonCode,
                                       segments: change.segments, encoding: change.encoding))
            }
        }
        guard !events.isEmpty else { return }
        let json = try json(events)
        // In order: the sequence tells a message's story (an outcome's event before its held report's).
        try await connection.query("""
            INSERT INTO receipt_event (key, status, provider_id, provider_code, reason_code, segments, encoding, event_at)
            SELECT v.key, v.status, v.provider_id, v.provider_code, v.reason_code, v.segments, v.encoding, \(now)
            FROM jsonb_to_recordset(\(json)::jsonb) AS v(n integer, key text, status text, provider_id text, provider_code text,
                 reason_code text, segments integer, encoding text)
            ORDER BY v.n
            """, logger: logger)
    }

    static func json<T: Encodable>(_ rows: [T]) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }

    struct ScheduledRow: Encodable {
        var key, campaign: String
        var wave: Int
        var customer_id, local_date, category, phone, channel, text, variant, reason, source: String
        var send_at, valid_until: Double
        var triggered_at: Double?
        var segments: Int
        var encoding: String

        init(_ message: PlannedMessage) {
            // What the carrier will charge, counted once by the core (`SegmentCounter`), as the SQLite store does.
            let count = SegmentCounter.count(message.text)
            key = message.key.description; campaign = message.key.campaign; wave = message.key.wave
            customer_id = message.key.customer; local_date = message.key.localDate.description
            category = message.category.rawValue; phone = message.phone; channel = message.channel; text = message.text
            variant = message.variant; reason = message.reason; source = message.source
            send_at = message.sendAt.timeIntervalSince1970; valid_until = message.validUntil.timeIntervalSince1970
            triggered_at = message.triggeredAt?.timeIntervalSince1970
            segments = count.segments; encoding = count.encoding.rawValue
        }
    }

    struct FenceRow: Encodable {
        var key: String
        var attempt: Int
        var owner: String
    }

    struct ChangeRow: Encodable {
        var key, status: String
        var provider_id, provider_code, reason_code: String?
        var segments: Int
        var encoding: String
        var send_at: Double?
        var channel: String?

        init(_ change: LedgerOutcomeChange) {
            key = change.key; status = change.status.rawValue; provider_id = change.providerID
            provider_code = change.providerCode; reason_code = change.reasonCode; segments = change.segments
            encoding = change.encoding; send_at = change.newSendAt?.timeIntervalSince1970; channel = change.outcome.channel
        }
    }

    struct EventRow: Encodable {
        var n: Int
        var key, status: String
        var provider_id, provider_code, reason_code: String?
        var segments: Int
        var encoding: String
    }
}
