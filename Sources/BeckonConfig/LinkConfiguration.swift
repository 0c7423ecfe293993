import BeckonCore
import Foundation

/// Tracked short links and their redirect listener (the `links:` section).
///
/// ```yaml
/// links:
///   base: https://m.brand.cn/          # the brand's own domain; the token follows it
///   target: https://shop.brand.cn/     # where {{short_link}} leads ({{link: "…"}} names its own)
///   listen: 127.0.0.1:8471             # the redirect listener, behind the brand's reverse proxy
///   expire_days: 60                    # a link answers this long after its message's send time
///   token_length: 7                    # base62 characters, 6 to 16
///   bot_user_agents: [MyMonitor]       # more user-agent words that mark a click as a bot's
/// ```
public struct LinkConfiguration: Sendable, Hashable {
    public var settings: LinkSettings
    public var host: String
    /// 0: any free port (tests); the daemon logs the one it got.
    public var port: Int
    /// Case-insensitive substrings of a user agent that mark a click as suspected bot, beside the built-in table.
    public var botUserAgents: [String]

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 8471

    public init(settings: LinkSettings, host: String = LinkConfiguration.defaultHost, port: Int = LinkConfiguration.defaultPort,
                botUserAgents: [String] = []) {
        self.settings = settings
        self.host = host
        self.port = port
        self.botUserAgents = botUserAgents
    }

    static let keys: Set<String> = ["base", "target", "listen", "expire_days", "token_length", "bot_user_agents"]

    static func parse(_ node: ConfigNode) throws -> LinkConfiguration {
        try node.rejectUnknownKeys(keys)
        let baseNode = try node.required("base")
        var base = try baseNode.string().trimmingCharacters(in: .whitespaces)
        guard MessageTemplate.isLinkTarget(base), let url = URL(string: base), url.query == nil, url.fragment == nil else {
            throw baseNode.error("'\(base)' is not an http(s) URL without a query, e.g. https://m.brand.cn/")
        }
        if !base.hasSuffix("/") { base += "/" }
        var settings = LinkSettings(base: base)
        if let target = try node.optional("target") {
            let text = try target.string()
            guard MessageTemplate.isLinkTarget(text) else { throw target.error("'\(text)' is not an absolute http(s) URL, e.g. https://shop.brand.cn/") }
            settings.target = text
        }
        if let days = try node.optional("expire_days") {
            settings.expireDays = try days.int()
            guard (1...3650).contains(settings.expireDays) else { throw days.error("days a link answers, from 1 to 3650") }
        }
        if let length = try node.optional("token_length") {
            settings.tokenLength = try length.int()
            // Below 6 a scan of the token space finds live links; above 16 only costs segments.
            guard (6...16).contains(settings.tokenLength) else { throw length.error("base62 characters, from 6 to 16") }
        }
        var configuration = LinkConfiguration(settings: settings)
        if let listen = try node.optional("listen") {
            (configuration.host, configuration.port) = try listen.listenAddress()
        }
        configuration.botUserAgents = try (node.optional("bot_user_agents")?.list() ?? []).map { item in
            let word = try item.string().trimmingCharacters(in: .whitespaces)
            guard !word.isEmpty else { throw item.error("give a word of the user agent, e.g. MyMonitor") }
            return word
        }
        return configuration
    }
}

extension ConfigNode {
    /// `host:port`, `[v6]:port`, or `:port` (loopback).
    func listenAddress() throws -> (host: String, port: Int) {
        let text = try string().trimmingCharacters(in: .whitespaces)
        let example = "e.g. 127.0.0.1:8471, [::1]:8471 or 0.0.0.0:8471"
        guard let colon = text.lastIndex(of: ":") else { throw error("'\(text)' needs host:port, \(example)") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = LinkConfiguration.defaultHost }
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw error("'\(text)': the port must be a number from 0 to 65535, \(example)")
        }
        var v4 = in_addr(), v6 = in6_addr()
        guard inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 || host == "localhost" else {
            throw error("'\(host)' is not an IP address (or localhost), \(example)")
        }
        return (host, port)
    }
}
