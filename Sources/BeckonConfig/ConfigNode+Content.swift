import BeckonCore

extension ConfigNode {
    /// Reads the `content:` section of etc/beckon.yaml.
    ///
    /// ```yaml
    /// content:
    ///   brand: 品牌              # signature 【品牌】 added when a template lacks one
    ///   locale: zh               # zh: 回复TD退订; en: Reply STOP to opt out
    ///   opt_out_text: 回复TD退订
    ///   max_segments: 2
    ///   short_link: https://b.example/x
    ///   phrases: { block: [中奖], warn: [免费, 点击领取] }
    /// ```
    public func contentPolicy() throws -> ContentPolicy {
        try rejectUnknownKeys(["brand", "locale", "opt_out_text", "max_segments", "short_link", "phrases"])
        let locale = try optional("locale")?.oneOf(ContentPolicy.Locale.self) ?? .zh
        var policy = ContentPolicy(brand: try optional("brand")?.string(), locale: locale,
                                   optOutText: try optional("opt_out_text")?.string(),
                                   shortLink: try optional("short_link")?.string())
        if let node = try optional("max_segments") {
            policy.maxSegments = try node.int()
            guard policy.maxSegments >= 1 else { throw node.error("must be at least 1") }
        }
        if let node = try optional("phrases") {
            try node.rejectUnknownKeys(["block", "warn"])
            policy.phrases = try (node.optional("block")?.list() ?? []).map { ContentPolicy.Phrase(try $0.string(), severity: .block) }
                + (node.optional("warn")?.list() ?? []).map { ContentPolicy.Phrase(try $0.string(), severity: .warn) }
        }
        return policy
    }

    /// A campaign's own `locale:`, `brand:` and `opt_out_text:` (its root keys), over the global `content:` section.
    ///
    /// ```yaml
    /// locale: en                       # Beckon: ... Reply STOP to opt out, for this campaign only
    /// brand: Beckon Shanghai           # "" sends this campaign unsigned
    /// opt_out_text: Reply STOP to end  # default: the locale's (when the locale differs from the global one)
    /// ```
    func campaignContent() throws -> CampaignContent {
        CampaignContent(locale: try optional("locale")?.oneOf(ContentPolicy.Locale.self),
                        brand: try optional("brand")?.string(),
                        optOutText: try optional("opt_out_text").map { node in
                            let text = try node.string()
                            // An empty opt-out line would be "added" on every message and satisfy nothing.
                            guard !text.trimmedSpaces.isEmpty else { throw node.error("give the opt-out text, e.g. Reply STOP to opt out") }
                            return text
                        })
    }

    static let campaignContentKeys: Set<String> = ["locale", "brand", "opt_out_text"]

    /// A campaign's `variants:` list: `- { id: a, weight: 50, template: "..." }`.
    func variants(templates: (ConfigNode) throws -> MessageTemplate) throws -> [CampaignVariant] {
        var seen = Set<String>()
        return try sequence().map { node in
            try node.rejectUnknownKeys(["id", "weight", "template", "template_file"])
            let id = try node.required("id").identifier()
            guard seen.insert(id).inserted else { throw node.error("variant id '\(id)' appears twice", key: "\(node.path).id") }
            let weight = try node.optional("weight")?.double() ?? 1
            guard weight >= 0 else { throw node.error("weight must be 0 or more") }
            return CampaignVariant(id: id, weight: weight, template: try templates(node))
        }
    }
}
