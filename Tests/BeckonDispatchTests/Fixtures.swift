import BeckonCore
import Foundation

/// A planned message with the given text, pinned to 2027-02-06 in the tests.
func plannedMessage(_ text: String, customer: String = "C001", phone: String = "+8613800138000") -> PlannedMessage {
    let key = MessageKey(campaign: "spring", wave: 1, customer: customer, localDate: LocalDate(iso: "2027-02-06")!)
    let sendAt = Date(timeIntervalSince1970: 1_801_900_000)
    return PlannedMessage(key: key, category: .marketing, phone: phone, channel: "test", text: text,
                          variant: "A", sendAt: sendAt, validUntil: sendAt.addingTimeInterval(3600), reason: "test")
}

let pinnedNow: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_801_900_000) }
