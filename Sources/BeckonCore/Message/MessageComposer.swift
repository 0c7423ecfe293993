import Foundation

/// Turns a campaign's template and a customer into the final text: variant, fields, signature, opt-out.
///
/// The one entry point the planner calls. The brand signature goes first (Chinese carriers require the
/// `【品牌】` prefix) and the opt-out line last, each added only when the template lacks it; transactional
/// messages carry no opt-out line.
public struct MessageComposer: Sendable {
    public let content: ContentPolicy

    public init(content: ContentPolicy) {
        self.content = content
    }

    public struct Composed: Hashable, Sendable {
        public var text: String
        public var variant: String
    }

    public func compose(_ campaign: Campaign, values: [String: String]) throws(TemplateError) -> Composed {
        let variant = VariantAssignment.pick(campaign.variants, campaign: campaign.id, customer: values["customer_id"] ?? "")
        var values = values
        if let link = content.shortLink, values["short_link"] == nil { values["short_link"] = link }
        let body = try (variant?.template ?? campaign.template).render(values)
        return Composed(text: decorate(body, category: campaign.category), variant: variant?.id ?? "")
    }

    /// Adds the signature and the opt-out line when missing.
    public func decorate(_ body: String, category: MessageCategory) -> String {
        var text = body.trimmedWhitespaceAndNewlines
        if let signature = content.signature, !hasSignature(text) { text = signature + text }
        if category != .transactional, !hasOptOut(text) {
            text += (content.locale == .zh ? "" : " ") + content.optOutText
        }
        return text
    }

    public func hasSignature(_ text: String) -> Bool {
        guard let signature = content.signature else { return true }
        if content.locale == .zh { return text.hasPrefix("【") || text.hasSuffix("】") }
        return text.hasPrefix(signature)
    }

    public func hasOptOut(_ text: String) -> Bool {
        // The Chinese keyword first: it needs no case folding, and most texts that have an opt-out line have it.
        if text.contains("退订") { return true }
        let folded = text.uppercased()
        return folded.contains(content.optOutText.uppercased()) || folded.contains("REPLY STOP")
    }
}
