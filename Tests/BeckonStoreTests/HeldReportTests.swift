import BeckonCore
import BeckonStore
import Foundation
import GRDB
import PropertyBased
import Testing

/// Delivery reports that arrive while their message is still `pending`, before the batch's outcome is
/// recorded (Kannel calls the dlr-url as soon as the SMSC answers, often before its sendsms reply lands).
@Suite("Delivery reports before the outcome: held, then written after the one sent event")
struct HeldReportTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let key = MessageKey(campaign: "c", wave: 0, customer: "C1", localDate: LocalDate(iso: "2027-01-15")!)

    func pendingMessage() throws -> SQLiteStore {
        let store = try SQLiteStore()
        let message = PlannedMessage(key: Self.key, category: .care, phone: "+8613800138000", channel: "kannel", text: "hi",
                                     sendAt: Self.now, validUntil: Self.now.addingTimeInterval(3600), reason: "r")
        _ = try store.schedule([message], at: Self.now)
        try store.markPending([Self.key], at: Self.now)
        return store
    }

    func report(_ status: MessageStatus, code: String, id: String? = nil, at offset: TimeInterval = 1) -> DeliveryReport {
        DeliveryReport(channel: "kannel", key: Self.key, providerID: id, status: status, providerCode: code, at: Self.now.addingTimeInterval(offset))
    }

    func events(_ store: SQLiteStore) throws -> [ReceiptEvent] {
        try store.receiptEvents(in: DateInterval(start: Self.now.addingTimeInterval(-1), duration: 3600))
    }

    @Test("delivered and the SMSC ack before the reply: no event until the outcome, then sent and delivered with the report's code and id")
    func heldUntilOutcome() throws {
        let store = try pendingMessage()
        #expect(try store.apply(report(.delivered, code: "1 ACK/", id: "smsc-9")) == .held(Self.key, .delivered))
        #expect(try store.apply(report(.sent, code: "8 ACK/")) == .noChange(Self.key, .pending))
        #expect(try store.apply(report(.delivered, code: "1 ACK/")) == .duplicate(Self.key))
        #expect(try store.entry(for: Self.key)?.status == .pending, "still in flight: the dispatcher's outcome is not recorded yet")
        #expect(try events(store).isEmpty)

        try store.record([DispatchOutcome(key: Self.key, status: .sent, providerCode: "202 0: Accepted for delivery", segments: 1,
                                          encoding: "GSM-7", channel: "kannel")], at: Self.now.addingTimeInterval(2))
        let entry = try #require(try store.entry(for: Self.key))
        #expect(entry.status == .delivered)
        #expect(entry.providerID == "smsc-9" && entry.providerCode == "1 ACK/")
        let written = try events(store)
        #expect(written.map(\.status) == [.sent, .delivered])
        #expect(written.map(\.providerCode) == ["202 0: Accepted for delivery", "1 ACK/"])
        #expect(written[0].sequence < written[1].sequence && written[0].eventAt <= written[1].eventAt)
        // Later reports of the same send change nothing.
        #expect(try store.apply(report(.sent, code: "8 ACK/", at: 3)) == .duplicate(Self.key))
        #expect(try store.apply(report(.queued, code: "4", at: 3)) == .noChange(Self.key, .delivered))
        #expect(try events(store).count == 2)
    }

    @Test("only the SMSC ack before the reply: one sent event, and the handset's report after it moves on")
    func ackBeforeReply() throws {
        let store = try pendingMessage()
        #expect(try store.apply(report(.sent, code: "8 ACK/")) == .held(Self.key, .sent))
        try store.record([DispatchOutcome(key: Self.key, status: .sent, providerCode: "202 0: Accepted for delivery")], at: Self.now.addingTimeInterval(2))
        #expect(try store.entry(for: Self.key)?.status == .sent)
        #expect(try store.apply(report(.delivered, code: "1 ACK/", at: 3)) == .applied(Self.key, .delivered))
        #expect(try events(store).map(\.status) == [.sent, .delivered])
    }

    @Test("a timeout after a delivered report neither downgrades nor resends: sent (confirmed by the report), then delivered")
    func timeoutAfterDelivered() throws {
        let store = try pendingMessage()
        _ = try store.apply(report(.delivered, code: "1 ACK/"))
        try store.record([DispatchOutcome(key: Self.key, status: .failed, providerCode: "timeout", reasonCode: "kannel_timeout",
                                          retryAt: Self.now.addingTimeInterval(60))], at: Self.now.addingTimeInterval(10))
        #expect(try store.entry(for: Self.key)?.status == .delivered)
        #expect(try store.due(at: Self.now.addingTimeInterval(3600), limit: 10).isEmpty, "never sent again")
        let written = try events(store)
        #expect(written.map(\.status) == [.sent, .delivered])
        #expect(written[0].reasonCode == "kannel_timeout;confirmed_by_delivery_report")
        // And once delivered, a timeout that comes later still (a late outcome) changes nothing.
        try store.record([DispatchOutcome(key: Self.key, status: .failed, reasonCode: "kannel_timeout", retryAt: Self.now)], at: Self.now.addingTimeInterval(20))
        try store.record([DispatchOutcome(key: Self.key, status: .unknown, reasonCode: "outcome_unknown_after_crash")], at: Self.now.addingTimeInterval(20))
        #expect(try store.entry(for: Self.key)?.status == .delivered)
        #expect(try events(store).count == 2)
    }

    @Test("a crash before the outcome: recovery's unknown becomes sent and delivered, since the held report proves it went")
    func crashWithHeldReport() throws {
        let store = try pendingMessage()
        _ = try store.apply(report(.delivered, code: "1 ACK/"))
        #expect(try store.pendingAfterCrash(takenOverBy: "recovery", isAlive: { _ in false }).map(\.message.key) == [Self.key])
        try store.record([DispatchOutcome(key: Self.key, status: .unknown, reasonCode: "outcome_unknown_after_crash")], at: Self.now.addingTimeInterval(5))
        #expect(try store.entry(for: Self.key)?.status == .delivered)
        #expect(try events(store).map(\.status) == [.sent, .delivered])
    }

    @Test("a report for a message put back for a retry: the sent it missed, then its state; the retry is off")
    func reportAfterRetry() throws {
        let store = try pendingMessage()
        try store.record([DispatchOutcome(key: Self.key, status: .failed, reasonCode: "kannel_timeout", retryAt: Self.now.addingTimeInterval(60))],
                         at: Self.now.addingTimeInterval(10))
        #expect(try store.entry(for: Self.key)?.status == .scheduled)
        #expect(try store.apply(report(.delivered, code: "1 ACK/", at: 20)) == .applied(Self.key, .delivered))
        #expect(try store.due(at: Self.now.addingTimeInterval(3600), limit: 10).isEmpty)
        let written = try events(store)
        #expect(written.map(\.status) == [.sent, .delivered])
        #expect(written[0].reasonCode == "confirmed_by_delivery_report")
    }

    @Test("a generic gateway's report by provider id before its reply is recorded: applied after the send's event when it is")
    func earlyReportByProviderID() throws {
        let store = try pendingMessage()
        let early = DeliveryReport(channel: "kannel", providerID: "gw-7", status: .delivered, providerCode: "DELIVRD", at: Self.now.addingTimeInterval(1))
        #expect(try store.apply(early) == .unknownMessage, "no message has that id yet")
        try store.record([DispatchOutcome(key: Self.key, status: .sent, providerID: "gw-7", providerCode: "200")], at: Self.now.addingTimeInterval(2))
        #expect(try store.entry(for: Self.key)?.status == .delivered)
        let written = try events(store)
        #expect(written.map(\.status) == [.sent, .delivered])
        #expect(written.map(\.eventAt) == [Self.now.addingTimeInterval(2), Self.now.addingTimeInterval(2)])
        #expect(try store.apply(early) == .duplicate(Self.key))
        // One that never finds its message is forgotten an hour later.
        _ = try store.apply(DeliveryReport(channel: "kannel", providerID: "nobody", status: .delivered, at: Self.now))
        _ = try store.apply(DeliveryReport(channel: "kannel", providerID: "nobody-else", status: .delivered, at: Self.now.addingTimeInterval(7200)))
        #expect(try store.writer.read { try String.fetchAll($0, sql: "SELECT provider_id FROM early_report") } == ["nobody-else"])
    }

    @Test("200 messages whose reports race their batches' outcomes from other tasks, on a database file: one sent event, then the final report")
    func concurrentRounds() async throws {
        // Seeded (PropertyBased's xoshiro256**) so a failing order can be replayed.
        var generator = Xoshiro(seed: (13, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-held-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
        let keys = (0..<200).map { MessageKey(campaign: "c", wave: 0, customer: "C\($0)", localDate: LocalDate(iso: "2027-01-15")!) }
        _ = try store.schedule(keys.map {
            PlannedMessage(key: $0, category: .care, phone: "+8613800138000", channel: "kannel", text: "hi", sendAt: Self.now,
                           validUntil: Self.now.addingTimeInterval(3600), reason: "r")
        }, at: Self.now)
        try store.markPending(keys, at: Self.now)
        // Per message: the SMSC ack and a final report (delivered or not), repeated, in a random order.
        let plans = keys.map { key -> (MessageKey, [MessageStatus]) in
            let final: MessageStatus = generator.next() % 4 == 0 ? .undelivered : .delivered
            var reports: [MessageStatus] = [.sent, final, generator.next() % 2 == 0 ? .sent : final]
            reports.shuffle(using: &generator)
            return (key, reports)
        }
        let outcomes = keys.map { DispatchOutcome(key: $0, status: .sent, providerCode: "202 0: Accepted for delivery") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (key, reports) in plans {
                group.addTask {
                    for status in reports {
                        _ = try store.apply(DeliveryReport(channel: "kannel", key: key, status: status, providerCode: status.rawValue, at: Self.now))
                    }
                }
            }
            // Recorded in small batches while the reports land, as the dispatcher records batch after batch.
            group.addTask { for start in stride(from: 0, to: outcomes.count, by: 10) { try store.record(Array(outcomes[start..<start + 10]), at: Self.now) } }
            try await group.waitForAll()
        }
        var byKey: [MessageKey: [MessageStatus]] = [:]
        for event in try events(store) { byKey[event.key, default: []].append(event.status) }
        for (key, reports) in plans {
            let final = reports.first { $0.isFinal }!
            #expect(byKey[key] == [.sent, final], "\(key) reports \(reports)")
            #expect(try store.entry(for: key)?.status == final)
        }
    }
}
