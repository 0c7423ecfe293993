/// What kind of message a campaign sends; consent, caps and footers depend on it.
public enum MessageCategory: String, Hashable, Sendable, CaseIterable, Codable {
    /// Promotions and recalls: need marketing consent, count toward caps, carry an opt-out line.
    case marketing
    /// Service care (birthday wishes without offers, renewal reminders): softer caps.
    case care
    /// Receipts, confirmations: ignore marketing opt-outs, never a full opt-out; exempt from caps.
    case transactional
}
