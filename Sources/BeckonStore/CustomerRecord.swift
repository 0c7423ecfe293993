import Crypto
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
    /// The first 8 bytes of a SHA-256 over every stored field but `source` (the row's line moves between
    /// exports while its data stays): equal hashes mean an unchanged row, which an import does not write.
    let rowHash: Int

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
        var hasher = SHA256()
        for field in [id, name, phone, birthday ?? "\u{0}", birthdayIsLunar ? "1" : "0", timeZone ?? "\u{0}", tier ?? "\u{0}", tags,
                      attributes, lastOrderAt.map { String($0) } ?? "\u{0}", String(orderCount), String(totalSpend), consents] {
            hasher.update(data: Array(field.utf8))
            hasher.update(data: [0x1F])
        }
        rowHash = hasher.finalize().withUnsafeBytes { Int(Int64(bigEndian: $0.loadUnaligned(as: Int64.self))) }
    }
}
