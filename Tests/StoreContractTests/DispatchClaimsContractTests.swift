import BeckonCore
import BeckonPostgres
import BeckonStore
import Foundation
import Testing

@Suite("StoreContract: dispatch claims and leases, the same behaviour on SQLite and PostgreSQL")
struct DispatchClaimsContractTests {
    @Test("3 concurrent claimers over 20,000 due messages: every key claimed exactly once, every outcome recorded",
          arguments: ContractBackend.available)
    func claimsNeverOverlap(backend: ContractBackend) async throws {
        try await backend.withStore { subject in
            let store = subject.store
            let messages = ContractMessages.messages(20_000)
            #expect(try await store.scheduleForDispatch(messages, at: Date()) == 20_000)
            // Scheduling again changes nothing: the key is the ledger's UNIQUE constraint.
            #expect(try await store.scheduleForDispatch(Array(messages.prefix(10)), at: Date()) == 0)

            let perClaimer = try await withThrowingTaskGroup(of: [MessageKey].self) { group in
                for claimer in 0..<3 {
                    group.addTask {
                        var mine: [MessageKey] = []
                        while true {
                            let claims = try await store.claimDue(at: Date(), limit: 97 + claimer * 50, owner: "daemon-\(claimer)",
                                                                  lease: .seconds(60))
                            if claims.isEmpty { break }
                            let recorded = try await store.record(ContractMessages.sent(claims), at: Date())
                            // Nobody else touched what this claimer claimed: every outcome stands.
                            #expect(recorded.refused.isEmpty)
                            #expect(recorded.accepted.count == claims.count)
                            mine += claims.map(\.key)
                        }
                        return mine
                    }
                }
                var all: [[MessageKey]] = []
                for try await keys in group { all.append(keys) }
                return all
            }
            let everything = perClaimer.flatMap { $0 }
            #expect(everything.count == 20_000, "a key was claimed twice, or one was never claimed")
            #expect(Set(everything) == Set(messages.map(\.key)))
            // All three took part (the claim statement does not serialise them onto one claimer).
            #expect(perClaimer.allSatisfy { !$0.isEmpty })
            for index in [0, 7_777, 19_999] {
                let row = try #require(try await subject.row(ContractMessages.key(index).description))
                #expect(row.status == "sent")
                #expect(row.attempts == 1)
                #expect(try await subject.receipts(ContractMessages.key(index).description) == ["sent"])
            }
            #expect(try await store.claimDue(at: Date(), limit: 100, owner: "late", lease: .seconds(60)).isEmpty)
        }
    }

    @Test("a claimer whose lease expired has its late outcomes refused by the fence; the new claimer's stand",
          arguments: ContractBackend.available)
    func fenceRefusesTheExpiredClaimer(backend: ContractBackend) async throws {
        try await backend.withStore { subject in
            let store = subject.store
            try await store.scheduleForDispatch(ContractMessages.messages(10, channel: "dedup"), at: Date())
            let first = try await store.claimDue(at: Date(), limit: 100, owner: "paused", lease: .milliseconds(200))
            #expect(first.count == 10)
            #expect(first.allSatisfy { $0.attempt == 1 && $0.owner == "paused" })
            try await Task.sleep(for: .milliseconds(500))

            // Another daemon rescues the expired leases (the channel deduplicates: back to scheduled), claims them
            // again and records them first.
            let rescued = try await store.rescueExpired(at: Date(), limit: 100, channelDeduplicatesByKey: { $0.channel == "dedup" })
            #expect(rescued.count == 10)
            let second = try await store.claimDue(at: Date(), limit: 100, owner: "alive", lease: .seconds(60))
            #expect(Set(second.map(\.key)) == Set(first.map(\.key)))
            #expect(second.allSatisfy { $0.attempt == 2 })
            // The paused daemon wakes up: its renewals and its outcomes are refused, whatever they say.
            #expect(try await store.renew(first, lease: .seconds(60)).isEmpty)
            let late = first.map { ClaimedOutcome(claim: $0, outcome: DispatchOutcome(key: $0.key, status: .failed, reasonCode: "late")) }
            let refused = try await store.record(late, at: Date())
            #expect(refused.accepted.isEmpty)
            #expect(Set(refused.refused) == Set(first.map(\.key)))
            let stands = try await store.record(ContractMessages.sent(second), at: Date())
            #expect(stands.accepted.count == 10 && stands.refused.isEmpty)
            let row = try #require(try await subject.row(first[0].key.description))
            #expect(row == LedgerRow(status: "sent", reasonCode: nil, attempts: 2, owner: "alive"))
            // One story: the resend wrote no receipt, the send one `sent`; the paused daemon's `failed` none.
            #expect(try await subject.receipts(first[0].key.description) == ["sent"])
            // And once recorded, the second claimer's outcome cannot be recorded twice either.
            #expect(try await store.record(ContractMessages.sent(second), at: Date()).refused.count == 10)
        }
    }

    @Test("an expired lease becomes unknown through a channel that does not deduplicate, and is re-queued through one that does",
          arguments: ContractBackend.available)
    func rescueByChannel(backend: ContractBackend) async throws {
        try await backend.withStore { subject in
            let store = subject.store
            try await store.scheduleForDispatch(ContractMessages.messages(3, channel: "kannel", campaign: "plain"), at: Date())
            try await store.scheduleForDispatch(ContractMessages.messages(3, channel: "dedup", campaign: "keyed"), at: Date())
            // A lease that a check needs alive lasts seconds: in a full parallel test run, 150 ms ran out between
            // two statements.
            let claims = try await store.claimDue(at: Date(), limit: 100, owner: "gone", lease: .seconds(3))
            #expect(claims.count == 6)
            // Not yet expired: nothing to rescue.
            #expect(try await store.rescueExpired(at: Date(), limit: 100, channelDeduplicatesByKey: { _ in true }).isEmpty)
            try await Task.sleep(for: .milliseconds(4_000))
            let rescued = try await store.rescueExpired(at: Date(), limit: 100, channelDeduplicatesByKey: { $0.channel == "dedup" })
            #expect(rescued.count == 6)
            for item in rescued {
                #expect(item.owner == "gone" && item.attempt == 1)
                let row = try #require(try await subject.row(item.key.description))
                if item.key.campaign == "keyed" {
                    #expect(item.rescue == .resend(reasonCode: "resend_after_lease_expiry"))
                    #expect(row.status == "scheduled" && row.reasonCode == "resend_after_lease_expiry")
                    #expect(try await subject.receipts(item.key.description).isEmpty)
                } else {
                    #expect(item.rescue == .unknown(reasonCode: "outcome_unknown_after_lease_expiry"))
                    #expect(row.status == "unknown" && row.reasonCode == "outcome_unknown_after_lease_expiry")
                    #expect(try await subject.receipts(item.key.description) == ["unknown"])
                }
            }
            // Rescued once: a second rescuer finds nothing; only the re-queued ones can be claimed again.
            #expect(try await store.rescueExpired(at: Date(), limit: 100, channelDeduplicatesByKey: { _ in true }).isEmpty)
            let again = try await store.claimDue(at: Date(), limit: 100, owner: "next", lease: .seconds(60))
            #expect(Set(again.map(\.key.campaign)) == ["keyed"])
            #expect(again.count == 3)
        }
    }

    @Test("a host clock 10 minutes ahead does not steal a live lease: leases are judged by the database's clock",
          arguments: ContractBackend.available)
    func hostClockAheadStealsNothing(backend: ContractBackend) async throws {
        try await backend.withStore { subject in
            let store = subject.store
            try await store.scheduleForDispatch(ContractMessages.messages(5), at: Date())
            let live = try await store.claimDue(at: Date(), limit: 100, owner: "honest", lease: .seconds(60))
            #expect(live.count == 5)
            let database = try await store.databaseNow()
            #expect(live.allSatisfy { $0.leaseUntil > database.addingTimeInterval(50) && $0.leaseUntil <= database.addingTimeInterval(61) })

            let ahead = Date().addingTimeInterval(600)
            #expect(try await store.rescueExpired(at: ahead, limit: 100, channelDeduplicatesByKey: { _ in true }).isEmpty)
            #expect(try await store.claimDue(at: ahead, limit: 100, owner: "drifted", lease: .seconds(60)).isEmpty)
            #expect(try await store.renew(live, lease: .seconds(60)).count == 5)
            let recorded = try await store.record(ContractMessages.sent(live), at: Date())
            #expect(recorded.accepted.count == 5 && recorded.refused.isEmpty)
            #expect(try await subject.row(live[0].key.description)?.owner == "honest")
        }
    }

    @Test("renewing extends a live lease by the database's clock, so a rescue leaves it alone", arguments: ContractBackend.available)
    func renewalKeepsTheClaim(backend: ContractBackend) async throws {
        try await backend.withStore { subject in
            let store = subject.store
            try await store.scheduleForDispatch(ContractMessages.messages(4), at: Date())
            let claims = try await store.claimDue(at: Date(), limit: 100, owner: "slow", lease: .seconds(3))
            try await Task.sleep(for: .milliseconds(100))
            let renewed = try await store.renew(claims, lease: .seconds(30))
            #expect(renewed.count == 4)
            #expect(zip(renewed, claims).allSatisfy { $0.leaseUntil > $1.leaseUntil.addingTimeInterval(20) })
            try await Task.sleep(for: .milliseconds(4_000))
            #expect(try await store.rescueExpired(at: Date(), limit: 100, channelDeduplicatesByKey: { _ in false }).isEmpty)
            // A transient failure puts the message back, due later, without a receipt; the fence then refuses a repeat.
            let retry = renewed.map {
                ClaimedOutcome(claim: $0, outcome: DispatchOutcome(key: $0.key, status: .failed, reasonCode: "http_503",
                                                                   retryAt: Date().addingTimeInterval(3600)))
            }
            #expect(try await store.record(retry, at: Date()).accepted.count == 4)
            #expect(try await subject.row(claims[0].key.description)?.status == "scheduled")
            #expect(try await subject.receipts(claims[0].key.description).isEmpty)
            #expect(try await store.claimDue(at: Date(), limit: 100, owner: "slow", lease: .seconds(30)).isEmpty)
            #expect(try await store.record(retry, at: Date()).refused.count == 4)
        }
    }
}

@Suite("StoreContract: the leader lease, the same behaviour on SQLite and PostgreSQL")
struct LeaderLeaseContractTests {
    @Test("one leader among 3; after its lease expires another is elected with a new term, and the old one is refused",
          arguments: ContractBackend.available)
    func oneLeaderReelectedAfterExpiry(backend: ContractBackend) async throws {
        try await backend.withStore { subject in
            let store = subject.store
            let terms = try await withThrowingTaskGroup(of: LeaderTerm?.self) { group in
                for daemon in 0..<3 {
                    group.addTask { try await store.acquireLeadership(of: "planner", for: "daemon-\(daemon)", lease: .seconds(3)) }
                }
                var results: [LeaderTerm?] = []
                for try await term in group { results.append(term) }
                return results
            }
            let leaders = terms.compactMap { $0 }
            #expect(leaders.count == 1, "exactly one of three daemons leads")
            let first = try #require(leaders.first)
            #expect(first.term == 1)
            #expect(try await store.leader(of: "planner") == first)
            // Renewing inside the lease keeps the term; acquiring again as the holder is a renewal too.
            let renewed = try #require(try await store.renewLeadership(first, lease: .seconds(3)))
            #expect(renewed.term == 1 && renewed.leaseUntil > first.leaseUntil)
            #expect(try await store.acquireLeadership(of: "planner", for: first.holder, lease: .seconds(3))?.term == 1)
            let others = ["daemon-0", "daemon-1", "daemon-2"].filter { $0 != first.holder }
            #expect(try await store.acquireLeadership(of: "planner", for: others[0], lease: .seconds(30)) == nil)

            // The leader is paused past its lease.
            try await Task.sleep(for: .milliseconds(4_000))
            #expect(try await store.leader(of: "planner") == nil)
            let second = try #require(try await store.acquireLeadership(of: "planner", for: others[0], lease: .seconds(30)))
            #expect(second.term == 2)
            // The old leader learns it on its next renewal, and cannot take the role back while the new lease lives.
            #expect(try await store.renewLeadership(first, lease: .seconds(30)) == nil)
            #expect(try await store.acquireLeadership(of: "planner", for: first.holder, lease: .seconds(30)) == nil)
            #expect(try await store.leader(of: "planner")?.holder == others[0])
            // A graceful stop hands over at once.
            try await store.releaseLeadership(second)
            let third = try #require(try await store.acquireLeadership(of: "planner", for: others[1], lease: .seconds(30)))
            #expect(third.term == 3)
            // Roles are independent.
            #expect(try await store.acquireLeadership(of: "receipts", for: first.holder, lease: .seconds(30))?.term == 1)
        }
    }

    @Test("a leader whose lease expired is refused on renewal even when nobody took the role", arguments: ContractBackend.available)
    func expiredRenewalIsRefused(backend: ContractBackend) async throws {
        try await backend.withStore { subject in
            let store = subject.store
            let term = try #require(try await store.acquireLeadership(of: "inbox", for: "solo", lease: .milliseconds(150)))
            try await Task.sleep(for: .milliseconds(350))
            #expect(try await store.renewLeadership(term, lease: .seconds(30)) == nil)
            // It may lead again, but as a new term: work stamped with the old one is told apart.
            #expect(try await store.acquireLeadership(of: "inbox", for: "solo", lease: .seconds(30))?.term == 2)
        }
    }
}
