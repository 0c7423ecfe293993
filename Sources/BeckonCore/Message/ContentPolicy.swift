/// Site-wide rules for message content: brand signature, opt-out line, segment budget, risky phrases.
public struct ContentPolicy: Hashable, Sendable {
    public enum Locale: String, Hashable, Sendable, CaseIterable {
        /// Chinese carriers: `【品牌】` first, `回复TD退订` as the opt-out line.
        case zh
        /// Elsewhere: `Brand: ` first, `Reply STOP to opt out`.
        case en
    }

    public enum Severity: String, Hashable, Sendable, CaseIterable {
        case warn, block
    }

    public struct Phrase: Hashable, Sendable {
        public var text: String
        public var severity: Severity
        public init(_ text: String, severity: Severity) {
            self.text = text
            self.severity = severity
        }
    }

    /// The brand name, without brackets; nil leaves messages unsigned (and `check` warns).
    public var brand: String?
    public var locale: Locale
    /// The opt-out instruction; default per locale.
    public var optOutText: String
    /// `check` warns above this many segments per message.
    public var maxSegments: Int
    public var phrases: [Phrase]
    /// Inserted by the `{{short_link}}` placeholder when there are no tracked links (`links:`): one fixed link.
    public var shortLink: String?
    /// Tracked links (the `links:` section); nil: `{{short_link}}` is `shortLink` and `{{link: …}}` its URL.
    public var links: LinkSettings?

    public init(brand: String? = nil, locale: Locale = .zh, optOutText: String? = nil, maxSegments: Int = 2,
                phrases: [Phrase] = ContentPolicy.defaultPhrases, shortLink: String? = nil, links: LinkSettings? = nil) {
        self.links = links
        self.brand = brand
        self.locale = locale
        self.optOutText = optOutText ?? Self.defaultOptOutText(for: locale)
        self.maxSegments = maxSegments
        self.phrases = phrases
        self.shortLink = shortLink
    }

    /// Phrases carriers often block or that mislead customers.
    public static let defaultPhrases: [Phrase] = [
        Phrase("中奖", severity: .block), Phrase("免费", severity: .warn), Phrase("点击领取", severity: .warn),
        Phrase("立即抢购", severity: .warn), Phrase("贷款", severity: .block), Phrase("验证码", severity: .warn),
    ]

    /// `【品牌】` or `Brand: `.
    public var signature: String? {
        guard let brand, !brand.isEmpty else { return nil }
        return locale == .zh ? "【\(brand)】" : "\(brand): "
    }
}
