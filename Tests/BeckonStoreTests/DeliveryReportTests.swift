import BeckonCore
import BeckonStore
import Foundation
import PropertyBased
import Testing

@Suite("Delivery reports in the ledger: any order, any repeats")
struct DeliveryReportTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let key = MessageKey(campaign: "c", wave: 0, customer: "C1", localDate: LocalDate(iso: "2027-01-15")!)

    func sentMessage(text: String = "hi") throws -> SQLiteStore {
        let store = try SQLiteStore()
        let message = PlannedMessage(key: Self.key, category: .care, phone: "+8613800138000", channel: "sms", text: text,
                                     sendAt: Self.now, validUntil: Self.now.addingTimeInterval(3600), reason: "r")
        _ = try store.schedule([message], at: Self.now)
        try store.markPending([Self.key], at: Self.now)
        try store.record([DispatchOutcome(key: Self.key, status: .sent, providerID: "p1", channel: "sms")], at: Self.now)
        return store
    }

    @Test("whatever the order and the repeats, the final state is the most advanced report, and each change has one receipt")
    func anyOrder() throws {
        // Seeded (PropertyBased's xoshiro256**) so a failing order can be replayed.
        var generator = Xoshiro(seed: (7, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
        let reports: [MessageStatus] = [.queued, .sent, .delivered, .queued, .sent]
        for _ in 0..<100 {
            let store = try sentMessage()
            var sequence = reports.shuffled(using: &generator)
            sequence += sequence.prefix(Int.random(in: 0...3, using: &generator))  // repeats
            for status in sequence {
                _ = try store.apply(DeliveryReport(channel: "sms", key: Self.key, status: status, providerCode: status.rawValue, at: Self.now))
            }
            #expect(try store.entry(for: Self.key)?.status == .delivered)
            let receipts = try store.receiptEvents(in: DateInterval(start: Self.now.addingTimeInterval(-1), duration: 10)).map(\.status)
            #expect(receipts == [.sent, .delivered], "\(sequence)")
        }
    }

    @Test("a final state is never left: undelivered after delivered changes nothing, and the reverse neither")
    func finalStays() throws {
        let store = try sentMessage()
        #expect(try store.apply(DeliveryReport(channel: "sms", key: Self.key, status: .undelivered, at: Self.now)) == .applied(Self.key, .undelivered))
        #expect(try store.apply(DeliveryReport(channel: "sms", key: Self.key, status: .delivered, at: Self.now)) == .noChange(Self.key, .undelivered))
        #expect(try store.apply(DeliveryReport(channel: "sms", key: Self.key, status: .undelivered, at: Self.now)) == .duplicate(Self.key))
    }

    @Test("an unknown message (a crash hid its outcome) is settled by its report")
    func settlesUnknown() throws {
        let store = try SQLiteStore()
        let message = PlannedMessage(key: Self.key, category: .care, phone: "+8613800138000", channel: "sms", text: "hi",
                                     sendAt: Self.now, validUntil: Self.now.addingTimeInterval(3600), reason: "r")
        _ = try store.schedule([message], at: Self.now)
        try store.markPending([Self.key], at: Self.now)
        try store.record([DispatchOutcome(key: Self.key, status: .unknown, reasonCode: "outcome_unknown_after_crash")], at: Self.now)
        #expect(try store.apply(DeliveryReport(channel: "sms", key: Self.key, status: .delivered, at: Self.now)) == .applied(Self.key, .delivered))
        #expect(try store.apply(DeliveryReport(channel: "sms", providerID: "nobody", status: .delivered, at: Self.now)) == .unknownMessage)
    }
}
