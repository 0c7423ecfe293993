/// Whether a customer agreed to a category of messages.
///
/// Categories are `marketing`, `care`, `transactional` and any brand-defined ones (`beauty`, `fashion`).
/// A customer's own answer (from the customer file) wins; otherwise the category's default applies.
/// Transactional messages ignore marketing opt-outs, but never a full opt-out (that is a suppression).
public struct ConsentPolicy: Hashable, Sendable {
    /// Category -> assumed answer when the customer file says nothing.
    public var defaults: [String: Bool]

    public init(defaults: [String: Bool] = ["marketing": true, "care": true, "transactional": true]) {
        self.defaults = defaults
    }

    /// The first category (the message's, then the campaign's brand category) the customer has not agreed to.
    public func missingConsent(customer: Customer, category: MessageCategory, brandCategory: String?) -> String? {
        if category == .transactional { return nil }
        for name in [category.rawValue] + (brandCategory.map { [$0] } ?? []) {
            if !(customer.consents[name] ?? defaults[name] ?? true) { return name }
        }
        return nil
    }
}
