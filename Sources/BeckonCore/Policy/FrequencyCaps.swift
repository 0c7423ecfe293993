import Foundation

/// At most `max` messages in any rolling `days`-day window.
public struct CapRule: Hashable, Sendable, CustomStringConvertible {
    public var max: Int
    public var days: Int

    public init(max: Int, days: Int) {
        self.max = max
        self.days = days
    }

    /// `cap_2_per_7d`: the reason code receipts carry.
    public var code: String { "cap_\(max)_per_\(days)d" }
    public var description: String { "\(max)/\(days)d" }
}

/// A message in a customer's book, as the policy reads it: sent or in flight (it fills caps), or scheduled
/// (it competes for its local day, and fills caps once it goes).
public struct CapRecord: Hashable, Sendable {
    public var key: MessageKey
    public var category: MessageCategory
    public var priority: Int
    /// When it went, or when it is scheduled to go.
    public var at: Date
    public var status: MessageStatus
    /// For a scheduled message: after this it expires instead of going (nil: no limit known).
    public var validUntil: Date?
    /// The number it goes to, for suppressions that arrived after it was planned (nil: not known).
    public var phone: String?
    /// What the message reacts to (`PlannedMessage.triggeredAt`), for cancelling events and superseding.
    public var triggeredAt: Date?

    public init(key: MessageKey, category: MessageCategory, priority: Int = 0, at: Date, status: MessageStatus,
                validUntil: Date? = nil, phone: String? = nil, triggeredAt: Date? = nil) {
        self.triggeredAt = triggeredAt
        self.key = key
        self.category = category
        self.priority = priority
        self.at = at
        self.status = status
        self.validUntil = validUntil
        self.phone = phone
    }

    /// A planned message as a book entry in `status`.
    public init(_ message: PlannedMessage, status: MessageStatus = .scheduled) {
        self.init(key: message.key, category: message.category, at: message.sendAt, status: status,
                  validUntil: message.validUntil, phone: message.phone, triggeredAt: message.triggeredAt)
    }
}

/// Per-customer frequency caps over rolling windows, by category, overridable per tier.
///
/// Checked against the durable ledger including messages in flight, so a crash or a second daemon can
/// never push a customer past a cap.
public struct FrequencyCaps: Hashable, Sendable {
    public var rules: [MessageCategory: [CapRule]]
    /// Tier -> category -> rules; a tier's entry replaces the category's default rules.
    public var tierRules: [String: [MessageCategory: [CapRule]]]

    /// Defaults: at most 2 marketing messages in 7 days and 4 in 30; care at most 1 a day and 4 in 7 days;
    /// transactional messages are never capped.
    public init(rules: [MessageCategory: [CapRule]] = FrequencyCaps.defaultRules,
                tierRules: [String: [MessageCategory: [CapRule]]] = [:]) {
        self.rules = rules
        self.tierRules = tierRules
    }

    public static let defaultRules: [MessageCategory: [CapRule]] = [
        .marketing: [CapRule(max: 2, days: 7), CapRule(max: 4, days: 30)],
        .care: [CapRule(max: 1, days: 1), CapRule(max: 4, days: 7)],
    ]

    /// The longest window any rule (tiers included) looks back over, in days: how much history to read.
    public var longestWindowDays: Int {
        let all = rules.values.flatMap { $0 } + tierRules.values.flatMap { $0.values.flatMap { $0 } }
        return max(all.map(\.days).max() ?? 1, 1)
    }

    public func rules(for category: MessageCategory, tier: String?) -> [CapRule] {
        if category == .transactional { return [] }
        if let tier, let override = tierRules[tier]?[category] { return override }
        return rules[category] ?? []
    }

    /// The first rule a new message of `category` at `now` would break, with the messages that fill it.
    ///
    /// - Parameter ahead: messages that go later but win first (a higher priority later the same local day):
    ///   they count whatever their time, since once they go the rolling window holds both.
    public func violation(category: MessageCategory, tier: String?, history: [CapRecord], at now: Date,
                          ahead: [CapRecord] = []) -> (rule: CapRule, earlier: [CapRecord])? {
        for rule in rules(for: category, tier: tier) {
            let since = now.addingTimeInterval(-Double(rule.days) * 86_400)
            let counted = (history.filter { $0.category == category && $0.at > since && $0.at <= now }
                + ahead.filter { $0.category == category })
                .sorted { $0.at < $1.at }
            if counted.count >= rule.max { return (rule, counted) }
        }
        return nil
    }
}
