import BeckonCore
import Testing

/// The ledger's moves as a pure model: a message's state, its held report and its receipt events, driven by
/// `LedgerTransition` exactly as the store drives it.
private struct LedgerModel {
    var status = MessageStatus.pending
    var held: MessageStatus?
    var events: [MessageStatus] = []

    mutating func report(_ reported: MessageStatus) {
        switch LedgerTransition.report(reported, current: status, held: held) {
        case .hold(let state): held = state
        case .advance(let state, let written): status = state; events += written
        case .stand: break
        }
    }

    mutating func outcome(_ outcome: MessageStatus, retrying: Bool = false) {
        guard let effect = LedgerTransition.outcome(outcome, retrying: retrying, receipt: !retrying, current: status, held: held) else { return }
        status = effect.status
        events += effect.events
        held = nil
    }
}

@Suite("Ledger transitions: one story whatever the order of outcome and reports")
struct LedgerTransitionTests {
    static func permutations(_ items: [MessageStatus]) -> [[MessageStatus]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    /// Every order of the reports, with the outcome recorded before, between or after them.
    static func interleavings(_ reports: [MessageStatus]) -> [(before: [MessageStatus], after: [MessageStatus])] {
        permutations(reports).flatMap { order in (0...order.count).map { (Array(order[..<$0]), Array(order[$0...])) } }
    }

    @Test("the gateway's reply says sent: exactly one sent event, then the reports' final state, in every order",
          arguments: [[MessageStatus.sent, .delivered], [.sent, .undelivered], [.delivered], [.sent], [.queued, .sent, .delivered], []])
    func sentInEveryOrder(reports: [MessageStatus]) {
        let settled = reports.first { $0.isFinal }
        for (before, after) in Self.interleavings(reports) {
            var model = LedgerModel()
            before.forEach { model.report($0) }
            model.outcome(.sent)
            after.forEach { model.report($0) }
            #expect(model.events == [.sent] + (settled.map { [$0] } ?? []), "reports \(before) | outcome | \(after)")
            #expect(model.status == settled ?? .sent)
        }
    }

    @Test("a timeout or an unknown: a report before it proves the send (one sent, no retry); after it, the sent it missed comes first",
          arguments: [(MessageStatus.failed, true), (.unknown, false)])
    func unsureOutcome(outcome: MessageStatus, retrying: Bool) {
        for (before, after) in Self.interleavings([.sent, .delivered]) {
            var model = LedgerModel()
            before.forEach { model.report($0) }
            model.outcome(outcome, retrying: retrying)
            if before.isEmpty { #expect(model.status == (retrying ? .scheduled : .unknown)) }
            after.forEach { model.report($0) }
            let unsure: [MessageStatus] = before.isEmpty && !retrying ? [.unknown] : []
            #expect(model.events == unsure + [.sent, .delivered], "reports \(before) | \(outcome) | \(after)")
            #expect(model.status == .delivered)
        }
    }

    @Test("nothing moves a message back once the gateway accepted it", arguments: [MessageStatus.queued, .sent, .delivered, .undelivered, .failed])
    func neverBack(current: MessageStatus) {
        for outcome in [MessageStatus.unknown, .failed, .sent, .scheduled] {
            #expect(LedgerTransition.outcome(outcome, retrying: outcome == .failed, receipt: true, current: current, held: nil) == nil)
        }
        #expect(LedgerTransition.report(.queued, current: current, held: nil) == .stand)
    }

    @Test("a held report that says less than the outcome is dropped; one that says more stands, with the outcome's event first")
    func heldAgainstOutcome() {
        #expect(LedgerTransition.outcome(.sent, retrying: false, receipt: true, current: .pending, held: .queued)
                == .init(status: .sent, events: [.sent], confirmedByReport: false, keepsReport: false))
        #expect(LedgerTransition.outcome(.queued, retrying: false, receipt: true, current: .pending, held: .sent)
                == .init(status: .sent, events: [.queued, .sent], confirmedByReport: false, keepsReport: true))
        #expect(LedgerTransition.outcome(.failed, retrying: true, receipt: false, current: .pending, held: .undelivered)
                == .init(status: .undelivered, events: [.sent, .undelivered], confirmedByReport: true, keepsReport: true))
        // A repeated report while in flight holds nothing new.
        #expect(LedgerTransition.report(.sent, current: .pending, held: .delivered) == .stand)
        #expect(LedgerTransition.report(.delivered, current: .pending, held: .sent) == .hold(.delivered))
    }

    @Test("the stages order the lifecycle once: planned < in flight < accepted < sent < settled")
    func stages() {
        let order: [MessageStatus] = [.scheduled, .pending, .queued, .sent, .delivered]
        #expect(order.map(\.stage) == order.map(\.stage).sorted())
        #expect(Set(order.map(\.stage)).count == order.count)
        #expect(MessageStatus.unknown.stage == MessageStatus.pending.stage)
        #expect(MessageStatus.allCases.filter(\.isFinal) == [.delivered, .undelivered, .failed, .suppressed, .dropped, .expired])
    }
}

@Suite("Delivery references: the message in a dlr-url without the token")
struct DeliveryReferenceTests {
    static let key = MessageKey(campaign: "birthday", wave: 0, customer: "VIP-0001", localDate: LocalDate(iso: "2027-02-06")!)

    @Test("opens to its message with the same token, and only with it")
    func roundTrip() throws {
        let references = DeliveryReference(token: "secret-token")
        let reference = references.seal(Self.key)
        #expect(references.open(reference) == Self.key)
        #expect(DeliveryReference(token: "secret-token").seal(Self.key) == reference, "the same each time")
        #expect(DeliveryReference(token: "another-token").open(reference) == nil)
        #expect(!reference.contains("VIP-0001") && !reference.contains("secret-token") && !reference.contains("birthday"))
        // URL-safe as is: Kannel must not see a % that it would take for an escape.
        #expect(reference.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    @Test("an altered, truncated or made-up reference opens to nothing", arguments: ["", "abc", "%d", String(repeating: "A", count: 80)])
    func forged(reference: String) {
        let references = DeliveryReference(token: "secret-token")
        #expect(references.open(reference) == nil)
        var altered = Array(references.seal(Self.key))
        altered[10] = altered[10] == "A" ? "B" : "A"
        #expect(references.open(String(altered)) == nil)
        #expect(references.open(String(references.seal(Self.key).dropLast(2))) == nil)
    }
}
