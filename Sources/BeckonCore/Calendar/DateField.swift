import Foundation

/// Reads a date from a customer: a built-in field or an attribute column holding `YYYY-MM-DD`
/// (or an ISO timestamp, whose local date in the customer's zone is used).
public enum DateField {
    public static func date(_ field: String, of customer: Customer, in zone: TimeZone, offsets: ZoneOffsets? = nil) -> LocalDate? {
        switch field {
        case "birthday": return customer.birthday
        case "last_order_at": return customer.lastOrderAt.map { offsets?.localDate($0) ?? LocalDate($0, in: zone) }
        default:
            guard let text = customer.attributes[field], !text.isEmpty else { return nil }
            if let date = LocalDate(iso: text.prefix(10)), text.count == 10 { return date }
            return ISOInstant.parse(text, defaultZone: zone).map { LocalDate($0, in: zone) }
        }
    }
}
