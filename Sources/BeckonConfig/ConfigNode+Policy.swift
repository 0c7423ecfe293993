import BeckonCore

extension ConfigNode {
    /// Reads the `policy:` section of etc/beckon.yaml.
    ///
    /// ```yaml
    /// policy:
    ///   quiet_hours: "22:00-08:00"        # or "none"
    ///   quiet_hours_by_category: { transactional: none, care: "21:30-08:30" }
    ///   daily_limit: 1
    ///   caps:
    ///     marketing: ["2/7d", "4/30d"]
    ///   tier_caps:
    ///     vip: { care: ["3/7d"] }
    ///   consent_defaults: { marketing: true, beauty: false }
    ///   holdout: 5%                        # kept from every non-transactional campaign (default 0%)
    ///   holdout_salt: "2026-h1"            # rotating it re-draws everyone
    /// ```
    public func deliveryPolicy() throws -> DeliveryPolicy {
        try rejectUnknownKeys(["quiet_hours", "quiet_hours_by_category", "daily_limit", "caps", "tier_caps", "consent_defaults", "lifecycle",
                               "holdout", "holdout_salt"])
        var policy = DeliveryPolicy()
        if let node = try optional("quiet_hours") { policy.defaultQuietHours = try node.optionalWindow() }
        if let node = try optional("quiet_hours_by_category") {
            for (name, value) in try node.mapping() {
                guard let category = MessageCategory(rawValue: name) else {
                    throw value.error("unknown category '\(name)' (known: marketing, care, transactional)")
                }
                policy.quietHours[category] = .some(try value.optionalWindow())
            }
        }
        if let node = try optional("daily_limit") {
            policy.dailyLimit = try node.int()
            guard policy.dailyLimit >= 1 else { throw node.error("must be at least 1") }
        }
        if let node = try optional("caps") { policy.caps.rules.merge(try node.capsByCategory()) { _, new in new } }
        if let node = try optional("tier_caps") {
            for (tier, value) in try node.mapping() { policy.caps.tierRules[tier] = try value.capsByCategory() }
        }
        if let node = try optional("lifecycle") {
            try node.rejectUnknownKeys(["active_days", "at_risk_days", "dormant_days"])
            policy.lifecycle.activeDays = try node.optional("active_days")?.int() ?? policy.lifecycle.activeDays
            policy.lifecycle.atRiskDays = try node.optional("at_risk_days")?.int() ?? policy.lifecycle.atRiskDays
            policy.lifecycle.dormantDays = try node.optional("dormant_days")?.int() ?? policy.lifecycle.dormantDays
            let l = policy.lifecycle
            guard 0 < l.activeDays, l.activeDays < l.atRiskDays, l.atRiskDays < l.dormantDays else {
                throw node.error("thresholds must grow: active_days < at_risk_days < dormant_days")
            }
        }
        policy.holdout = try globalHoldout()
        if let node = try optional("consent_defaults") {
            for (category, value) in try node.mapping() { policy.consent.defaults[category] = try value.bool() }
        }
        return policy
    }

    /// A window (`HH:MM-HH:MM` or a scene name) or `none`.
    func optionalWindow() throws -> TimeWindow? {
        let text = try string()
        if text == "none" { return nil }
        return try window()
    }

    public func window() throws -> TimeWindow {
        let text = try string()
        guard let window = TimeWindow(parsing: text) else {
            throw error("expected HH:MM-HH:MM or a scene (\(TimeWindow.scenes.keys.sorted().joined(separator: ", "))), got '\(text)'")
        }
        return window
    }

    /// `marketing: ["2/7d", "4/30d"]` (an empty list means no cap).
    func capsByCategory() throws -> [MessageCategory: [CapRule]] {
        var result: [MessageCategory: [CapRule]] = [:]
        for (name, value) in try mapping() {
            guard let category = MessageCategory(rawValue: name) else {
                throw value.error("unknown category '\(name)' (known: marketing, care, transactional)")
            }
            result[category] = try value.list().map { try $0.capRule() }
        }
        return result
    }

    func capRule() throws -> CapRule {
        let text = try string()
        let parts = text.split(separator: "/")
        guard parts.count == 2, let max = Int(parts[0]), parts[1].hasSuffix("d"), let days = Int(parts[1].dropLast()),
              max >= 0, days >= 1 else {
            throw error("expected a cap like 2/7d (at most 2 messages in 7 days), got '\(text)'")
        }
        // A cap of 0 would hold every message of the category until it expires: almost surely a typo, and
        // "send none" is said by having no such campaign (or `enabled: false`).
        guard max >= 1 else { throw error("a cap of \(text) allows no message at all; use at least 1 (or disable the campaigns)") }
        return CapRule(max: max, days: days)
    }

    /// A campaign's delivery keys, read from the campaign's root mapping.
    func campaignPolicy() throws -> CampaignPolicy {
        var policy = CampaignPolicy()
        if let node = try optional("window") { policy.window = try node.window() }
        if let node = try optional("outside_window") { policy.outsideWindow = try node.oneOf(SendTiming.OutsideWindow.self) }
        if let node = try optional("exempt_from_caps") { policy.exemptFromCaps = try node.bool() }
        if let node = try optional("counts_toward_caps") { policy.countsTowardCaps = try node.bool() }
        if let node = try optional("consent") { policy.consentCategory = try node.identifier() }
        if let node = try optional("on_conflict") { policy.onConflict = try node.oneOf(CampaignPolicy.OnConflict.self) }
        if let node = try optional("spread") { policy.spread = try node.bool() }
        return policy
    }

    static let campaignPolicyKeys: Set<String> = ["window", "outside_window", "exempt_from_caps", "counts_toward_caps", "consent", "on_conflict", "spread"]
}
