import BeckonCore

/// A customer as the `customer` table stores it: dates as text, lists and maps as JSON.
///
/// Made where a customer is parsed rather than where it is written: an import parses on one thread and commits
/// on another, and the JSON and date text were the commit thread's own Swift work, on the slower side of the
/// two (1M-row import bench).
public struct CustomerRecord: Sendable {
    let id: String
    let name: String
    let phone: String
    let birthday: String?
    let birthdayIsLunar: Bool
    let timeZone: String?
    let tier: String?
    let tags: String
    let attributes: String
    let lastOrderAt: Double?
    let orderCount: Int
    let totalSpend: Double
    let active: Bool
    let consents: String
    let source: String

    public init(_ customer: Customer) {
        id = customer.id
        name = customer.name
        phone = customer.phone
        birthday = customer.birthday?.description
        birthdayIsLunar = customer.birthdayIsLunar
        timeZone = customer.timeZone
        tier = customer.tier
        tags = JSONText.encode(customer.tags)
        attributes = JSONText.encode(customer.attributes)
        lastOrderAt = customer.lastOrderAt?.timeIntervalSince1970
        orderCount = customer.orderCount
        totalSpend = customer.totalSpend
        active = customer.active
        consents = JSONText.encode(customer.consents)
        source = customer.source
    }
}
