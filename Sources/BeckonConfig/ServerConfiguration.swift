import Foundation

/// The HTTP endpoints for delivery reports, replies, health and metrics (the `server:` section).
///
/// ```yaml
/// server:
///   host: 127.0.0.1             # loopback unless a gateway on another machine must reach Beckon
///   port: 8470                  # 0: no server
///   token_file: var/server.token  # created with a random token when missing; or `token:` inline
///   public_url: http://127.0.0.1:8470   # what gateways call back (Kannel's dlr-url)
/// ```
/// Every request must carry the token, as `?token=` (gateways can only call plain URLs) or as
/// `Authorization: Bearer`.
public struct ServerConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The token inline, or nil to read (or create) `tokenFile`.
    public var token: String?
    public var tokenFile: URL
    public var publicURL: URL

    public init(host: String = "127.0.0.1", port: Int = 8470, token: String? = nil, tokenFile: URL, publicURL: URL? = nil) {
        self.host = host
        self.port = port
        self.token = token
        self.tokenFile = tokenFile
        self.publicURL = publicURL ?? URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
    }

    static func path(_ text: String, home: URL) -> URL {
        text.hasPrefix("/") ? URL(fileURLWithPath: text) : home.appendingPathComponent(text)
    }

    static func parse(_ node: ConfigNode?, home: URL) throws -> ServerConfiguration {
        let defaultFile = home.appendingPathComponent("var/server.token")
        guard let node else { return ServerConfiguration(tokenFile: defaultFile) }
        try node.rejectUnknownKeys(["host", "port", "token", "token_file", "public_url"])
        let host = try node.optional("host")?.host() ?? "127.0.0.1"
        let port = try node.optional("port")?.int() ?? 8470
        guard (0...65_535).contains(port) else { throw try node.required("port").error("must be 0 to 65535") }
        let token = try node.optional("token")?.string()
        if let token, token.count < 16 { throw try node.required("token").error("use at least 16 characters") }
        let file = try node.optional("token_file").map { try ServerConfiguration.path(try $0.string(), home: home) }
        return ServerConfiguration(host: host, port: port, token: token, tokenFile: file ?? defaultFile,
                                   publicURL: try node.optional("public_url")?.httpURL())
    }
}

extension ConfigNode {
    /// An address to listen on: an IPv4 or IPv6 literal, or a host name (letters, digits, `-` and `.`).
    func host() throws -> String {
        let text = try string()
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 { return text }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let isHostName = !text.isEmpty && text.utf8.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard isHostName else { throw error("'\(text)' is not an IP address or a host name (e.g. 127.0.0.1, ::1, localhost)") }
        return text
    }
}

/// How a campaign with `channel: route` picks its channels (the `routing:` section).
///
/// ```yaml
/// routing:
///   carriers: etc/routing/cn-carriers.txt   # mainland China number ranges by carrier
///   routes:
///     china_mobile: [cmcc, backup]          # by carrier, primary first, then failovers
///     "+1": [intl]                          # by country calling code
///   default: [sms]
/// ```
public struct RoutingConfiguration: Sendable, Hashable {
    public var carriersFile: URL?
    public var routes: [String: [String]]
    public var fallback: [String]

    public init(carriersFile: URL? = nil, routes: [String: [String]] = [:], fallback: [String] = []) {
        self.carriersFile = carriersFile
        self.routes = routes
        self.fallback = fallback
    }

    static func parse(_ node: ConfigNode, home: URL, channels: Set<String>) throws -> RoutingConfiguration {
        try node.rejectUnknownKeys(["carriers", "routes", "default"])
        func targets(_ list: ConfigNode) throws -> [String] {
            let names = try list.list().map { try $0.string() }
            for name in names where !channels.contains(name) { throw list.error("'\(name)' is not a channel defined in channels:") }
            guard !names.isEmpty else { throw list.error("name at least one channel") }
            return names
        }
        var routing = RoutingConfiguration()
        routing.carriersFile = try node.optional("carriers").map { try ServerConfiguration.path(try $0.string(), home: home) }
        for (name, list) in try node.optional("routes")?.mapping() ?? [] { routing.routes[name] = try targets(list) }
        routing.fallback = try node.optional("default").map(targets) ?? []
        return routing
    }
}
