import Foundation

/// Everything Beckon knows about one customer, as the planner and policy see it.
///
/// A plain value: the store maps it to rows, the inbox builds it from files, the core reasons about it.
public struct Customer: Hashable, Sendable {
    public var id: String
    public var name: String
    /// E.164 (`+8613800138000`); empty when the source had none (such a customer is never messaged).
    public var phone: String
    public var birthday: LocalDate?
    /// When true, `birthday` holds the solar date of birth and the customer celebrates its lunar date.
    public var birthdayIsLunar: Bool
    /// IANA identifier from the customer file; nil falls back to the phone's country, then the default.
    public var timeZone: String?
    public var tier: String?
    public var tags: [String]
    /// Extra columns of the source file, usable in templates and audience rules.
    public var attributes: [String: String]
    public var lastOrderAt: Date?
    public var orderCount: Int
    public var totalSpend: Double
    /// Consent answers from the customer file: category (`marketing`, `beauty`, ...) -> opted in.
    public var consents: [String: Bool] = [:]
    /// Recent events from trigger files, loaded for evaluation (not stored with the customer row).
    public var events: [CustomerEvent] = []
    /// The latest instant (up to now) of each event that cancels some campaign's messages (`cancelled_by`),
    /// loaded for evaluation like `events`, however long ago it happened.
    public var latestCancellingEvents: [String: Date] = [:]
    /// RFM scores against the latest breakpoints, attached for evaluation (nil before the first import).
    public var rfm: RFMScore?
    /// The file and line the customer was last imported from (`members.csv:12`), carried into receipts.
    public var source: String = ""
    /// False when a full snapshot no longer lists the customer: kept, never deleted, never messaged.
    public var active: Bool

    public init(
        id: String, name: String, phone: String, birthday: LocalDate? = nil, birthdayIsLunar: Bool = false,
        timeZone: String? = nil, tier: String? = nil, tags: [String] = [], attributes: [String: String] = [:],
        lastOrderAt: Date? = nil, orderCount: Int = 0, totalSpend: Double = 0, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.phone = phone
        self.birthday = birthday
        self.birthdayIsLunar = birthdayIsLunar
        self.timeZone = timeZone
        self.tier = tier
        self.tags = tags
        self.attributes = attributes
        self.lastOrderAt = lastOrderAt
        self.orderCount = orderCount
        self.totalSpend = totalSpend
        self.active = active
    }
}
