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

    /// The words as lowercased UTF-8 bytes, the form `isBotAgent` searches in.
    let agents: [[UInt8]]

    /// - Parameter extraAgents: more words (`links.bot_user_agents`), matched case-insensitively.
    public init(extraAgents: [String] = []) {
        agents = (Self.knownAgents + extraAgents.map { $0.lowercased() }).filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    public func reason(method: LinkClick.Method, userAgent: String, at: Date, reachedAt: Date?, perMessage: Bool) -> LinkClick.BotReason? {
        if isBotAgent(userAgent) { return .userAgent }
        if method == .head { return .head }
        // A per-message link clicked before its message was recorded as sent, or within two seconds of it.
        if perMessage, reachedAt.map({ at.timeIntervalSince($0) < Self.minimumSeconds }) ?? true { return .tooSoon }
        return nil
    }

    /// An empty user agent counts: every phone's browser sends one.
    ///
    /// Every redirect asks this, so it compares bytes: Foundation's `String.contains` goes through CFString and
    /// was a quarter of the listener's time. The folded copy lives on the stack, not in a new array. User agents are ASCII in practice; only ASCII letters are folded, which is all the
    /// words need (they are ASCII), and any other byte compares as it is.
    public func isBotAgent(_ userAgent: String) -> Bool {
        let count = userAgent.utf8.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(count, 1)) { folded in
            var blank = true
            for (index, byte) in userAgent.utf8.enumerated() {
                folded[index] = (65...90).contains(byte) ? byte | 0x20 : byte
                if byte != 32 && byte != 9 { blank = false }
            }
            guard !blank else { return true }
            let text = UnsafeBufferPointer(rebasing: folded[..<count])
            return agents.contains { Self.find($0, in: text) }
        }
    }

    static func find(_ word: [UInt8], in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard word.count <= text.count, let first = word.first else { return word.isEmpty }
        return word.withUnsafeBufferPointer { word in
            var start = 0
            let last = text.count - word.count
            while start <= last {
                if text[start] == first {
                    var matched = 1
                    while matched < word.count, text[start + matched] == word[matched] { matched += 1 }
                    if matched == word.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
