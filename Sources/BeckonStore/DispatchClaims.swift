import BeckonCore
import Foundation

/// Claims and leases for dispatch by several daemons on one store: a daemon claims due messages with a lease,
/// sends only what its claim returned, and records every outcome fenced by that claim, so a daemon whose lease
/// expired (paused, partitioned, slow) cannot overwrite what another daemon did after it.
///
/// Leases are judged by the database's clock, never a host's: `lease_until` is set and compared with the
/// database's `now`, so a host whose clock runs ahead neither steals a live lease nor keeps one alive. The
/// caller's `now` only says which messages are due (the planner's and the gate's instant) and stamps receipts.
///
/// Two backends: SQLite (`SQLiteStore`, one host; its database clock is that host's system clock) and
/// PostgreSQL (`BeckonPostgres`, any number of hosts; `FOR UPDATE SKIP LOCKED`). What an outcome does
/// (`LedgerTransition`), whether a claim still stands (`DispatchClaim.stands`) and what an expired lease becomes
/// (`InFlightRescue`) are decided once, outside both.
public protocol DispatchClaims: Sendable {
    /// Records planned messages as `scheduled` (a key already in the ledger is left untouched) and wakes the
    /// daemons waiting for work. Returns how many were new.
    @discardableResult
    func scheduleForDispatch(_ messages: [PlannedMessage], at now: Date) async throws -> Int
    /// Claims up to `limit` messages still `scheduled` whose send time is at most `now`, oldest first, in one
    /// statement: each becomes `pending`, owned by `owner`, with one more attempt and a lease until the
    /// database's now plus `lease`. Returns exactly what this call claimed: only those may be sent.
    func claimDue(at now: Date, limit: Int, owner: String, lease: Duration) async throws -> [DispatchClaim]
    /// Extends the leases of these claims to the database's now plus `lease`, where the claim still stands.
    /// Returns the claims renewed, with their new `leaseUntil`; a claim missing from them is lost (rescued,
    /// or settled by someone else): its sender must not send it.
    func renew(_ claims: [DispatchClaim], lease: Duration) async throws -> [DispatchClaim]
    /// Records outcomes in one transaction, each only if its claim still stands (same state, attempt and owner
    /// as the claim left it), with its receipt event; an outcome with `retryAt` puts the message back to
    /// `scheduled` without a receipt, as `MessageLedger.record` does.
    func record(_ outcomes: [ClaimedOutcome], at now: Date) async throws -> FencedRecording
    /// Settles up to `limit` messages whose lease the database's clock says has expired, each fenced on the
    /// claim it was read with: `InFlightRescue` decides, by whether its channel deduplicates by key.
    func rescueExpired(at now: Date, limit: Int, channelDeduplicatesByKey: @escaping @Sendable (PlannedMessage) -> Bool)
        async throws -> [RescuedMessage]
    /// The database's clock (for logs and tests: every lease decision is taken inside the statements).
    func databaseNow() async throws -> Date
}

/// One message a claim returned: what to send, and what fences its outcome.
public struct DispatchClaim: Hashable, Sendable {
    public var message: PlannedMessage
    /// The message's attempt number this claim made (1 for the first send).
    public var attempt: Int
    /// Who claimed it (a daemon's run: host, pid and start, or any id unique to one run).
    public var owner: String
    /// Until when the claim is the owner's, by the database's clock.
    public var leaseUntil: Date

    public init(message: PlannedMessage, attempt: Int, owner: String, leaseUntil: Date) {
        self.message = message
        self.attempt = attempt
        self.owner = owner
        self.leaseUntil = leaseUntil
    }

    public var key: MessageKey { message.key }

    /// Whether a ledger row still is as this claim left it: `pending`, at this attempt, owned by this owner.
    /// An expired lease alone does not void it: until another daemon rescues the row, the owner's outcome is
    /// the best knowledge there is. Every backend's fence is this test, on the row it locked or updated.
    public func stands(status: MessageStatus, attempt: Int, owner: String?) -> Bool {
        status == .pending && attempt == self.attempt && owner == self.owner
    }
}

/// An outcome of a send, with the claim it was sent under.
public struct ClaimedOutcome: Hashable, Sendable {
    public var claim: DispatchClaim
    public var outcome: DispatchOutcome

    public init(claim: DispatchClaim, outcome: DispatchOutcome) {
        self.claim = claim
        self.outcome = outcome
    }
}

/// What a fenced recording did.
public struct FencedRecording: Hashable, Sendable {
    /// Outcomes written (or that changed nothing because a delivery report already said more).
    public var accepted: [MessageKey] = []
    /// Outcomes refused: their claim no longer stands (the lease expired and the message was rescued, resent
    /// or settled by another daemon). Nothing of them was written.
    public var refused: [MessageKey] = []

    public init(accepted: [MessageKey] = [], refused: [MessageKey] = []) {
        self.accepted = accepted
        self.refused = refused
    }
}

/// A message whose lease expired, and what the rescue made of it.
public struct RescuedMessage: Hashable, Sendable {
    public var key: MessageKey
    /// The claim that expired (its owner and attempt).
    public var owner: String
    public var attempt: Int
    public var rescue: InFlightRescue

    public init(key: MessageKey, owner: String, attempt: Int, rescue: InFlightRescue) {
        self.key = key
        self.owner = owner
        self.attempt = attempt
        self.rescue = rescue
    }

    /// The outcome the rescue records: a resend is due at once.
    public func outcome(at now: Date) -> DispatchOutcome {
        switch rescue {
        case .resend(let code): return DispatchOutcome(key: key, status: .scheduled, reasonCode: code, retryAt: now)
        case .unknown(let code): return DispatchOutcome(key: key, status: .unknown, reasonCode: code)
        }
    }
}

extension Duration {
    /// Seconds, with the fraction, as a lease length is bound into a statement.
    public var leaseSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
