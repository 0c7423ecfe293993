import BeckonCore
import Foundation

/// Shorthands that keep policy tables readable.
enum T {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func at(_ text: String) -> Date { ISOInstant.parse(text, defaultZone: shanghai)! }
    static func day(_ text: String) -> LocalDate { LocalDate(iso: text)! }
    static func window(_ text: String) -> TimeWindow { TimeWindow(parsing: text)! }

    static func key(_ campaign: String = "c", customer: String = "C1", day: String = "2026-11-24") -> MessageKey {
        MessageKey(campaign: campaign, wave: 0, customer: customer, localDate: T.day(day))
    }

    static func customer(_ id: String = "C1", phone: String = "+8613800138000", tier: String? = nil) -> Customer {
        Customer(id: id, name: "王芳", phone: phone, tier: tier)
    }

    static func dayOccurrence(_ day: String, in zone: TimeZone = shanghai) -> Occurrence {
        let date = T.day(day)
        return Occurrence(localDate: date, instant: date.start(in: zone), reason: "test")
    }

    static func message(_ campaign: String, customer: String = "C1", category: MessageCategory = .marketing,
                        sendAt: Date, validUntil: Date) -> PlannedMessage {
        PlannedMessage(key: key(campaign, customer: customer), category: category, phone: "+8613800138000", channel: "outbox",
                       text: "hi", sendAt: sendAt, validUntil: validUntil, reason: "test")
    }
}
