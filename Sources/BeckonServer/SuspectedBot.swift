import BeckonStore
import Foundation

/// Whether a click looks like a machine's: a link-preview or crawler user agent, a HEAD request, or a click
/// faster than a person reads (within two seconds of the message reaching the phone).
///
/// Messaging apps fetch a link as it arrives to draw its preview (WhatsApp, Telegram, iMessage through
/// facebookexternalhit, Slack, Skype), and carriers' and providers' content scanners fetch it before the
/// customer sees it: counted as clicks, they would make every message look read.
public struct SuspectedBot: Sendable {
    /// Lowercased words of known link-preview, crawler and command-line user agents. Not a bare `bot`: phone
    /// names contain it (`CUBOT`).
    public static let knownAgents: [String] = [
        "facebookexternalhit", "facebot", "whatsapp", "telegrambot", "slackbot", "slack-imgproxy", "twitterbot",
        "linkedinbot", "discordbot", "skypeuripreview", "redditbot", "pinterest", "embedly", "iframely", "vkshare",
        "googlebot", "google-pagerenderer", "adsbot-google", "bingbot", "applebot", "yandex", "baiduspider",
        "sogou", "360spider", "yisouspider", "bytespider", "petalbot", "duckduckbot", "semrushbot", "ahrefsbot",
        "headlesschrome", "phantomjs", "curl/", "wget/", "python-requests", "python-urllib", "aiohttp",
        "go-http-client", "java/", "okhttp", "libwww-perl", "httpclient", "crawler", "spider", "bot/", "+http",
    ]

    /// A click this soon after the message reached the phone is no person's.
    public static let minimumSeconds: TimeInterval = 2

    let agents: [String]

    /// - Parameter extraAgents: more words (`links.bot_user_agents`), matched case-insensitively.
    public init(extraAgents: [String] = []) {
        agents = Self.knownAgents + extraAgents.map { $0.lowercased() }
    }

    public func reason(method: LinkClick.Method, userAgent: String, at: Date, reachedAt: Date?, perMessage: Bool) -> LinkClick.BotReason? {
        if isBotAgent(userAgent) { return .userAgent }
        if method == .head { return .head }
        // A per-message link clicked before its message was recorded as sent, or within two seconds of it.
        if perMessage, reachedAt.map({ at.timeIntervalSince($0) < Self.minimumSeconds }) ?? true { return .tooSoon }
        return nil
    }

    /// An empty user agent counts: every phone's browser sends one.
    public func isBotAgent(_ userAgent: String) -> Bool {
        let folded = userAgent.lowercased()
        return folded.trimmingCharacters(in: .whitespaces).isEmpty || agents.contains { folded.contains($0) }
    }
}
