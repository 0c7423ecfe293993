/// The idempotency key of a message: campaign, wave, customer and local occurrence date.
///
/// The ledger stores it under a UNIQUE constraint; a gateway that deduplicates receives it as the client
/// reference. Its text form is stable across versions because receipts and gateways keep it.
public struct MessageKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let campaign: String
    public let wave: Int
    public let customer: String
    public let localDate: LocalDate

    public init(campaign: String, wave: Int, customer: String, localDate: LocalDate) {
        self.campaign = campaign
        self.wave = wave
        self.customer = customer
        self.localDate = localDate
    }

    /// `campaign/wave/customer/YYYY-MM-DD`; `/` never appears in ids Beckon accepts.
    public var description: String { "\(campaign)/\(wave)/\(customer)/\(localDate)" }

    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, let wave = Int(parts[1]), let date = LocalDate(iso: parts[3]) else { return nil }
        self.init(campaign: String(parts[0]), wave: wave, customer: String(parts[2]), localDate: date)
    }

    public static func < (lhs: MessageKey, rhs: MessageKey) -> Bool { lhs.description < rhs.description }
}
