import Foundation

/// One leader among several daemons for the work that must happen once (taking inbox files, planning, RFM,
/// receipt files): a lease row per role, its expiry set and judged by the database's clock.
///
/// A holder renews well inside its lease; a renewal after the lease ran out is refused even if nobody took the
/// role meanwhile (a paused leader cannot know what happened while it slept), and the holder stops leader work
/// before its next statement. Each acquisition starts a new `term`, so work stamped with a term can be told
/// from the work of an earlier leader.
public protocol LeaderLeases: Sendable {
    /// Takes `role` for `holder` if nobody holds it or its lease has expired; renews it if `holder` already holds
    /// it. Nil when another holder's lease is live.
    func acquireLeadership(of role: String, for holder: String, lease: Duration) async throws -> LeaderTerm?
    /// Extends a live lease; nil when it is lost (expired, or taken by another holder).
    func renewLeadership(_ term: LeaderTerm, lease: Duration) async throws -> LeaderTerm?
    /// Gives the role up at once (a graceful stop), so another daemon need not wait for the expiry.
    func releaseLeadership(_ term: LeaderTerm) async throws
    /// Who holds `role` by the database's clock now, if anyone (for `/healthz` and logs).
    func leader(of role: String) async throws -> LeaderTerm?
}

/// A holder's tenure of a role.
public struct LeaderTerm: Hashable, Sendable {
    public var role: String
    public var holder: String
    /// Counts acquisitions of the role by a new holder (or by the same one after its lease expired).
    public var term: Int64
    /// Until when the holder leads, by the database's clock.
    public var leaseUntil: Date

    public init(role: String, holder: String, term: Int64, leaseUntil: Date) {
        self.role = role
        self.holder = holder
        self.term = term
        self.leaseUntil = leaseUntil
    }
}
