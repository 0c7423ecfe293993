import BeckonCore
import BeckonStore
import Foundation
import Testing

@Suite("Dispatch outcomes recorded in the ledger, a chunk at a time")
struct LedgerOutcomeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func key(_ index: Int) -> MessageKey {
        MessageKey(campaign: "c", wave: 0, customer: "C\(index)", localDate: LocalDate(iso: "2027-01-15")!)
    }

    /// `count` messages planned with one segment of GSM-7 and marked pending, as the dispatcher leaves them.
    func pendingMessages(_ count: Int) throws -> SQLiteStore {
        let store = try SQLiteStore()
        let messages = (0..<count).map { index in
            PlannedMessage(key: Self.key(index), category: .care, phone: "+86138001\(String(format: "%05d", index))", channel: "sms",
                           text: "hi", sendAt: Self.now, validUntil: Self.now.addingTimeInterval(3600), reason: "r")
        }
        _ = try store.schedule(messages, at: Self.now)
        try store.markPending(messages.map(\.key), at: Self.now)
        return store
    }

    func receipts(_ store: SQLiteStore) throws -> [ReceiptEvent] {
        try store.receiptEvents(in: DateInterval(start: Self.now.addingTimeInterval(-1), duration: 3600))
    }

    @Test("1,201 outcomes (two full chunks and a short one): every message takes its own outcome, receipts in call order")
    func manyChunks() throws {
        let store = try pendingMessages(1_201)
        let outcomes = (0..<1_201).map { index in
            index % 3 == 0
                ? DispatchOutcome(key: Self.key(index), status: .failed, providerCode: "403", reasonCode: "http_rejected", channel: "sms")
                : DispatchOutcome(key: Self.key(index), status: .sent, providerID: "p\(index)", providerCode: "200",
                                  segments: 2, encoding: "UCS-2", channel: "backup")
        }
        try store.record(outcomes, at: Self.now.addingTimeInterval(5))
        for index in [0, 1, 499, 500, 999, 1_000, 1_200] {
            let entry = try #require(try store.entry(for: Self.key(index)))
            #expect(entry.status == (index % 3 == 0 ? .failed : .sent))
            #expect(entry.providerID == (index % 3 == 0 ? nil : "p\(index)"))
            #expect(entry.message.channel == (index % 3 == 0 ? "sms" : "backup"))
            #expect(entry.updatedAt == Self.now.addingTimeInterval(5))
        }
        let events = try receipts(store)
        #expect(events.map(\.key) == outcomes.map(\.key))
        #expect(events[1].segments == 2 && events[1].encoding == "UCS-2" && events[1].providerID == "p1")
        #expect(events[0].providerCode == "403" && events[0].reasonCode == "http_rejected")
    }

    @Test("the same key twice in one call: the second outcome meets the state the first one wrote")
    func repeatedKey() throws {
        let store = try pendingMessages(2)
        try store.record([
            DispatchOutcome(key: Self.key(0), status: .failed, reasonCode: "http_transient", retryAt: Self.now.addingTimeInterval(60)),
            DispatchOutcome(key: Self.key(1), status: .failed, providerCode: "403", reasonCode: "http_rejected"),
            DispatchOutcome(key: Self.key(0), status: .sent, providerID: "p0", segments: 3),
            DispatchOutcome(key: Self.key(1), status: .sent, providerID: "late"),
        ], at: Self.now)
        let first = try #require(try store.entry(for: Self.key(0)))
        #expect(first.status == .sent && first.providerID == "p0")
        #expect(first.message.sendAt == Self.now.addingTimeInterval(60), "the retry moved its send time, the send kept it")
        // Failed is final: a later outcome for the same key changes nothing and makes no receipt.
        #expect(try store.entry(for: Self.key(1))?.status == .failed)
        #expect(try store.entry(for: Self.key(1))?.providerID == nil)
        #expect(try receipts(store).map { "\($0.key.customer) \($0.status.rawValue) \($0.segments)" } == ["C1 failed 1", "C0 sent 3"])
    }

    @Test("a retry goes back to scheduled without a receipt; a policy deferral does so with one that says why")
    func retriesAndDeferrals() throws {
        let store = try pendingMessages(2)
        try store.record([
            DispatchOutcome(key: Self.key(0), status: .failed, reasonCode: "http_transient", retryAt: Self.now.addingTimeInterval(30)),
            DispatchOutcome(key: Self.key(1), status: .deferred, reasonCode: "cap_marketing_7d", retryAt: Self.now.addingTimeInterval(86_400)),
        ], at: Self.now)
        #expect(try store.entry(for: Self.key(0))?.status == .scheduled)
        #expect(try store.entry(for: Self.key(1))?.status == .scheduled)
        #expect(try receipts(store).map { "\($0.key.customer) \($0.status.rawValue) \($0.reasonCode ?? "")" } == ["C1 deferred cap_marketing_7d"])
    }

    @Test("an outcome for a key the ledger does not hold is ignored, and the others in its chunk still land")
    func unknownKey() throws {
        let store = try pendingMessages(1)
        try store.record([
            DispatchOutcome(key: Self.key(7), status: .sent),
            DispatchOutcome(key: Self.key(0), status: .sent, providerID: "p0"),
        ], at: Self.now)
        #expect(try store.entry(for: Self.key(0))?.status == .sent)
        #expect(try store.entry(for: Self.key(7)) == nil)
        #expect(try receipts(store).map(\.key) == [Self.key(0)])
    }
}
