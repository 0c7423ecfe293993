/// A campaign's own content settings (`locale:`, `brand:` and `opt_out_text:` in its file), laid over the
/// global `content:` section for that campaign's messages only.
///
/// Why per campaign: `content.locale: zh` puts 【品牌】 and 回复TD退订 on every message, so an English campaign for
/// expatriate members would turn UCS-2 and cost twice the segments of the same text in GSM-7.
public struct CampaignContent: Hashable, Sendable {
    /// nil: the global locale.
    public var locale: ContentPolicy.Locale?
    /// nil: the global brand; an empty name leaves this campaign's messages unsigned.
    public var brand: String?
    /// nil: the global opt-out text, or the campaign locale's default when the campaign changes the locale.
    public var optOutText: String?

    public init(locale: ContentPolicy.Locale? = nil, brand: String? = nil, optOutText: String? = nil) {
        self.locale = locale
        self.brand = brand
        self.optOutText = optOutText
    }
}

extension ContentPolicy {
    /// The content rules for one campaign: its own settings where it has them, the global ones elsewhere.
    ///
    /// A campaign that switches the locale and gives no opt-out text gets that locale's default text, not the
    /// global one: the global text is written in the global locale (回复TD退订 in an English message would make
    /// it UCS-2 again, the very cost the setting exists to avoid).
    public func applying(_ campaign: CampaignContent) -> ContentPolicy {
        var policy = self
        if let locale = campaign.locale, locale != self.locale {
            policy.locale = locale
            policy.optOutText = Self.defaultOptOutText(for: locale)
        }
        if let brand = campaign.brand { policy.brand = brand }
        if let text = campaign.optOutText { policy.optOutText = text }
        return policy
    }

    /// 回复TD退订 for Chinese carriers, `Reply STOP to opt out` elsewhere.
    public static func defaultOptOutText(for locale: Locale) -> String {
        locale == .zh ? "回复TD退订" : "Reply STOP to opt out"
    }
}
