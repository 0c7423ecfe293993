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
        /// The tracked links in `text`, one per target (empty without a `links:` section).
        public var links: [TrackedLink] = []
    }

    /// - Parameters:
    ///   - key: the message being planned, for its per-message tokens; nil in checks.
    ///   - tokens: where link tokens come from; the default writes a placeholder of the same length, for previews.
    public func compose(_ campaign: Campaign, values: [String: String], key: MessageKey? = nil,
                        tokens: any LinkTokenSource = PreviewLinkTokens()) throws(TemplateError) -> Composed {
        let variant = VariantAssignment.pick(campaign.variants, campaign: campaign.id, customer: values["customer_id"] ?? "")
        let template = variant?.template ?? campaign.template
        let body = try render(template, values: values, campaign: campaign, variant: variant?.id ?? "", key: key, tokens: tokens)
        return Composed(text: composer(for: campaign).decorate(body.text, category: campaign.category), variant: variant?.id ?? "", links: body.links)
    }

    /// The composer for one campaign's messages: the global content rules with the campaign's own locale,
    /// brand and opt-out text over them. Everything that builds or measures a campaign's text goes through it.
    public func composer(for campaign: Campaign) -> MessageComposer {
        MessageComposer(content: content.applying(campaign.content))
    }

    /// A template's text with its fields and links, before the signature and the opt-out line.
    public func render(_ template: MessageTemplate, values: [String: String], campaign: Campaign, variant: String,
                       key: MessageKey?, tokens: any LinkTokenSource) throws(TemplateError) -> (text: String, links: [TrackedLink]) {
        var values = values
        if let link = content.shortLink, values["short_link"] == nil { values["short_link"] = link }
        var links: [TrackedLink] = []
        var texts: [MessageTemplate.LinkTarget: String] = [:]
        if let settings = content.links {
            for target in template.linkTargets {
                let destination: String
                switch target {
                case .url(let url): destination = url
                case .shortLink:
                    // No landing page: `{{short_link}}` falls back to the fixed `content.short_link`, if any.
                    guard let landing = settings.target else { continue }
                    destination = landing
                }
                let token = tokens.token(for: LinkRequest(campaign: campaign.id, variant: variant, target: destination,
                                                          scope: campaign.trackedLink, key: key, length: settings.tokenLength))
                let url = settings.url(token: token)
                links.append(TrackedLink(token: token, target: destination, url: url, scope: campaign.trackedLink))
                texts[target] = url
            }
        }
        let couponFields = Set(template.placeholders).intersection(CouponSlots.fields)
        if campaign.coupon == nil, let field = couponFields.sorted().first {
            throw .badValue(field: field, value: "{{\(field)}}", "needs a coupon pool: add coupon: POOL to the campaign")
        }
        return (try template.render(values, links: texts, slots: campaign.coupon == nil ? [] : CouponSlots.fields), links)
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
