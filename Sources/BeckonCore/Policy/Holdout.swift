/// Whether a customer is kept from a campaign's message to measure it: the one rule that the planner, the send
/// gate, `beckon plan` and `beckon explain` all call.
///
/// - Transactional campaigns are never held out: a receipt or a confirmation is owed, not a test.
/// - A customer in the global holdout gets no message from any other campaign (`held_out`).
/// - Otherwise a customer in the campaign's control group gets none from that campaign (`held_out_control`).
///
/// Both record the message's ledger row in `suppressed` with one of these reason codes, so a held-out
/// occurrence has exactly the row (key, campaign, variant, send time) that a sent one would have, and it
/// counts for nothing else: no cap, no place in the customer's day, no dispatch.
public enum Holdout {
    /// Reason code of a message kept from a globally held-out customer.
    public static let globalCode = "held_out"
    /// Reason code of a message kept from a customer in the campaign's control group.
    public static let controlCode = "held_out_control"

    public enum Group: String, Hashable, Sendable, CaseIterable {
        case global, control
    }

    /// The default salt of the global holdout, when `policy.holdout_salt` is not set.
    public static let defaultGlobalSalt = "beckon-global-holdout"

    /// The default salt of a campaign's control group: derived from its id (stable when the display name
    /// changes), so that each campaign's control is drawn independently of the others and of the holdout.
    public static func defaultControlSalt(campaign id: String) -> String { "control:\(id)" }

    /// Which group keeps the customer from `campaign`, if any (the global holdout first).
    public static func group(of customer: String, campaign: Campaign, global: HoldoutGroup?) -> Group? {
        guard campaign.category != .transactional else { return nil }
        if let global, global.contains(customer) { return .global }
        if let control = campaign.control, control.contains(customer) { return .control }
        return nil
    }

    /// The verdict for a held-out customer, with a reason that names the group, its share and its salt's
    /// fingerprint; nil when the message may go as far as the holdout is concerned.
    public static func verdict(for customer: String, campaign: Campaign, global: HoldoutGroup?) -> PolicyVerdict? {
        switch group(of: customer, campaign: campaign, global: global) {
        case .global?:
            let g = global!
            return .suppressed(.init(globalCode, "in the global holdout (policy.holdout \(g.percentText), salt \(g.saltFingerprint), bucket \(g.bucket(of: customer)) < \(g.basisPoints)): no message from any non-transactional campaign"))
        case .control?:
            let c = campaign.control!
            return .suppressed(.init(controlCode, "in the control group of \(campaign.id) (control \(c.percentText), salt \(c.saltFingerprint), bucket \(c.bucket(of: customer)) < \(c.basisPoints)): no message from this campaign"))
        case nil:
            return nil
        }
    }

    /// The group a reason code names (`held_out` -> global, `held_out_control` -> control).
    public static func group(ofReasonCode code: String?) -> Group? {
        switch code {
        case globalCode?: return .global
        case controlCode?: return .control
        default: return nil
        }
    }
}
