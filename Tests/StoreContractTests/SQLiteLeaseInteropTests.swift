import BeckonCore
import BeckonStore
import Foundation
import Testing

@Suite("StoreContract: SQLite's pid-based crash recovery and leases stay out of each other's way")
struct SQLiteLeaseInteropTests {
    @Test("crash recovery by pid leaves leased claims alone (their owner may run on another host); leases rescue them")
    func crashRecoveryIgnoresLeasedClaims() async throws {
        try await ContractBackend.sqlite.withStore { subject in
            let store = try #require(subject.store as? SQLiteStore)
            let messages = ContractMessages.messages(4)
            _ = try store.schedule(Array(messages.prefix(2)), at: Date())
            // Two claimed the old way, by a claimant that is surely dead (a pid beyond pid_max)...
            #expect(try store.claim(messages.prefix(2).map(\.key), by: "2000000000:1", at: Date()).count == 2)
            // ...and two with a lease, by an owner whose id is no pid at all.
            try await store.scheduleForDispatch(Array(messages.suffix(2)), at: Date())
            let leased = try await store.claimDue(at: Date(), limit: 10, owner: "host-b/4242", lease: .milliseconds(100))
            #expect(leased.count == 2)
            let recovered = try store.pendingAfterCrash(takenOverBy: ProcessInstance.current.id, isAlive: ProcessInstance.isAlive)
            #expect(Set(recovered.map(\.message.key)) == Set(messages.prefix(2).map(\.key)))
            try await Task.sleep(for: .milliseconds(300))
            let rescued = try await store.rescueExpired(at: Date(), limit: 10, channelDeduplicatesByKey: { _ in false })
            #expect(Set(rescued.map(\.key)) == Set(leased.map(\.key)))
        }
    }
}
