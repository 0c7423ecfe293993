import Foundation

/// Tracked short links (the `links:` section): `{{short_link}}` and `{{link: "https://…"}}` render
/// `base + token`, and the redirect listener answers the token with a 302 to its target.
public struct LinkSettings: Hashable, Sendable {
    /// The brand's own domain, ending in `/` (`https://m.brand.cn/`): what customers see before the token.
    public var base: String
    /// Where `{{short_link}}` leads (`{{link: "…"}}` names its own target); nil: templates use only `{{link: …}}`.
    public var target: String?
    /// A link answers for this many days after its message's send time, then gets the 404 page.
    public var expireDays: Int
    /// Base62 characters in a token: 7 give 62^7 (3.5 * 10^12) tokens, so a guess hits one of a million
    /// live links about once in 3.5 million tries.
    public var tokenLength: Int

    public static let defaultExpireDays = 60
    public static let defaultTokenLength = 7

    public init(base: String, target: String? = nil, expireDays: Int = LinkSettings.defaultExpireDays,
                tokenLength: Int = LinkSettings.defaultTokenLength) {
        self.base = base
        self.target = target
        self.expireDays = expireDays
        self.tokenLength = tokenLength
    }

    /// The link as the customer sees it.
    public func url(token: String) -> String { base + token }
}

/// How many tracked links a campaign's messages get (a campaign's `tracked_link:` setting).
public enum LinkScope: String, Hashable, Sendable, CaseIterable {
    /// One token per message: clicks are counted per message, unique clicks once per message.
    case perMessage = "per_message"
    /// One token per campaign, variant and target, shared by every message: for providers that accept only
    /// links fixed in a registered template. Clicks are counted per campaign and variant, never per message.
    case perVariant = "per_variant"
}

/// One tracked link in a composed message.
public struct TrackedLink: Hashable, Sendable {
    public var token: String
    /// Where the redirect leads.
    public var target: String
    /// `base + token`, exactly as it appears in the message text.
    public var url: String
    public var scope: LinkScope
    /// When the redirect stops answering; set by the planner from the message's send time.
    public var expiresAt: Date

    public init(token: String, target: String, url: String, scope: LinkScope, expiresAt: Date = .distantFuture) {
        self.token = token
        self.target = target
        self.url = url
        self.scope = scope
        self.expiresAt = expiresAt
    }
}

/// What a token is drawn for: the composer asks its source once per link target in a message.
public struct LinkRequest: Hashable, Sendable {
    public var campaign: String
    public var variant: String
    public var target: String
    public var scope: LinkScope
    /// Nil when no message is being planned (`beckon check`).
    public var key: MessageKey?
    public var length: Int

    public init(campaign: String, variant: String, target: String, scope: LinkScope, key: MessageKey?, length: Int) {
        self.campaign = campaign
        self.variant = variant
        self.target = target
        self.scope = scope
        self.key = key
        self.length = length
    }
}

/// Where link tokens come from. The core draws none itself: the daemon passes a source backed by the system's
/// CSPRNG (and the store, for per-variant links); previews pass `PreviewLinkTokens`.
public protocol LinkTokenSource: Sendable {
    func token(for request: LinkRequest) -> String
}

/// `XXXXXXX`: a placeholder of the token's length, so a preview counts the same segments and writes nothing.
public struct PreviewLinkTokens: LinkTokenSource {
    public init() {}
    public func token(for request: LinkRequest) -> String { String(repeating: "X", count: request.length) }
}

/// Random tokens in the base62 alphabet.
public enum LinkToken {
    public static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `length` characters, each uniformly from the 62 (`Int.random(in:using:)` rejects the biased draws), so
    /// no token says anything about another. Pass `SystemRandomNumberGenerator` (the kernel's CSPRNG).
    public static func random<G: RandomNumberGenerator>(length: Int, using generator: inout G) -> String {
        String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// True for a string that can be a token: base62 only, of a plausible length. The redirect listener
    /// answers anything else with the 404 page before it reads the store.
    public static func isWellFormed(_ text: Substring) -> Bool {
        (4...32).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
        }
    }
}
