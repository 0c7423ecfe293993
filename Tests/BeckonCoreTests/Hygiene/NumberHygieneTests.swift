import BeckonCore
import Foundation
import Testing

@Suite("Number hygiene rules: at once, after two failures 7 days apart, lapsing after 90 days")
struct NumberHygieneTests {
    static let start = ISOInstant.parse("2026-11-01T10:00:00+08:00", defaultZone: .gmt)!
    static let day: TimeInterval = 86_400

    static func failure(_ failureClass: FailureClass, day offset: Double, phone: String = "+8613800138000", key: String = "k") -> NumberFailure {
        NumberFailure(phone: phone, customerID: "C1", channel: "sms", failureClass: failureClass, code: "X", messageKey: key + "\(offset)",
                      campaign: "recall", at: start.addingTimeInterval(offset * day))
    }

    @Test("invalid is suppressed at once and lapses after 90 days; a carrier opt-out at once and never lapses")
    func atOnce() {
        let invalid = Self.failure(.invalid, day: 0)
        #expect(NumberHygiene.action(for: invalid, earlier: []) == .suppress(.invalid, since: invalid.at, lapsesAt: invalid.at.addingTimeInterval(90 * Self.day)))
        let optOut = Self.failure(.carrierOptOut, day: 0)
        #expect(NumberHygiene.action(for: optOut, earlier: []) == .suppress(.carrierOptOut, since: optOut.at, lapsesAt: nil))
    }

    @Test("two suspended failures 6 days apart do not suppress; 8 days apart do; exactly 7 do", arguments: [(6.0, false), (8.0, true), (7.0, true)])
    func sevenDays(apart: Double, suppresses: Bool) {
        let first = Self.failure(.suspended, day: 0), second = Self.failure(.suspended, day: apart)
        #expect(NumberHygiene.action(for: first, earlier: []) == .none)
        let action = NumberHygiene.action(for: second, earlier: [first])
        #expect(action == (suppresses ? .suppress(.suspended, since: second.at, lapsesAt: second.at.addingTimeInterval(90 * Self.day)) : .none))
    }

    @Test("earlier suspended failures count only within 90 days, for the same number, before no later delivery")
    func window() {
        let second = Self.failure(.suspended, day: 100)
        #expect(NumberHygiene.action(for: second, earlier: [Self.failure(.suspended, day: 5)]) == .none)
        #expect(NumberHygiene.action(for: second, earlier: [Self.failure(.suspended, day: 50, phone: "+8613900139000")]) == .none)
        #expect(NumberHygiene.action(for: second, earlier: [Self.failure(.invalid, day: 50)]) == .none)
        let delivered = Self.start.addingTimeInterval(60 * Self.day)
        #expect(NumberHygiene.action(for: second, earlier: [Self.failure(.suspended, day: 50)], lastDelivered: delivered) == .none)
        #expect(NumberHygiene.action(for: second, earlier: [Self.failure(.suspended, day: 50)]) != .none)
    }

    @Test("content blocks flag the campaign, never the number; throttled and transient change nothing")
    func othersChangeNothing() {
        #expect(NumberHygiene.action(for: Self.failure(.contentBlocked, day: 0), earlier: []) == .flagContent)
        let earlier = [Self.failure(.throttled, day: 0)]
        #expect(NumberHygiene.action(for: Self.failure(.throttled, day: 9), earlier: earlier) == .none)
        #expect(NumberHygiene.action(for: Self.failure(.transient, day: 9), earlier: earlier) == .none)
        #expect(!NumberHygiene.isRecorded(.transient) && !NumberHygiene.isRecorded(.throttled) && NumberHygiene.isRecorded(.contentBlocked))
    }

    @Test("a hygiene suppression stops the number until it lapses at 90 days, then the number is re-checked")
    func lapse() {
        let at = Self.start
        let suppression = Suppression(phone: "+8613800138000", source: .hardFailure, detail: "code MK:0001", at: at,
                                      failureClass: .invalid, lapsesAt: at.addingTimeInterval(90 * Self.day))
        let customer = Customer(id: "C1", name: "王", phone: "+8613800138000")
        let blocking = { (now: Date) in
            SuppressionRule.blocking([suppression], customer: customer, category: .marketing, brandCategory: nil, at: now)
        }
        #expect(blocking(at.addingTimeInterval(89 * Self.day)) != nil)
        #expect(blocking(at.addingTimeInterval(90 * Self.day)) == nil)
        // Keyed by number: the customer's new number is not stopped by the old one's failure.
        var moved = customer
        moved.phone = "+8613900139000"
        #expect(SuppressionRule.blocking([suppression], customer: moved, category: .marketing, brandCategory: nil, at: at) == nil)
        guard case .suppressed(let reason) = SuppressionRule.verdict(for: suppression) else { Issue.record("not suppressed"); return }
        #expect(reason.code == "hard_failed_number")
        #expect(reason.detail.contains("invalid") && reason.detail.contains("MK:0001") && reason.detail.contains("2026-11-01"))
    }
}
