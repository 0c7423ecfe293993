import BeckonCore
import BeckonStore
import Foundation
import Hummingbird
import Logging
import Metrics

/// The redirect listener for tracked links (`links.listen`): `GET /{token}` answers 302 to the link's target
/// and records the click. Customers' phones reach it through the brand's reverse proxy, so it is a listener of
/// its own, apart from the token-guarded admin server.
///
/// It only ever redirects to a target stored with a link: an unknown, malformed or expired token, any other
/// path and any other method get the same plain 404 page, so nothing in a request can choose where it leads
/// (no open redirect), and the page says nothing about which tokens exist. It logs no token, user agent or
/// message key, so no log line leads to a customer.
public struct LinkRedirectServer: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// The path of `links.base` (`/`, or `/r/` for `https://brand.cn/r/`): a token follows it.
        public var pathPrefix: String
        public var botUserAgents: [String]

        public init(host: String = "127.0.0.1", port: Int, pathPrefix: String = "/", botUserAgents: [String] = []) {
            self.host = host
            self.port = port
            self.pathPrefix = pathPrefix.hasSuffix("/") ? pathPrefix : pathPrefix + "/"
            self.botUserAgents = botUserAgents
        }

        /// The path part of a `links.base` URL.
        public static func pathPrefix(ofBase base: String) -> String {
            guard let url = URL(string: base), !url.path.isEmpty else { return "/" }
            return url.path.hasSuffix("/") ? url.path : url.path + "/"
        }
    }

    public let settings: Settings
    public let store: SQLiteStore
    public let clock: any WallClock
    public let recorder: ClickRecorder
    public let logger: Logger
    /// Settled links asked for again, answered from memory.
    public let cache: LinkLookupCache
    let bots: SuspectedBot
    let misses = Counter(label: "beckon_link_not_found_total")

    public init(settings: Settings, store: SQLiteStore, clock: any WallClock, recorder: ClickRecorder, logger: Logger,
                cache: LinkLookupCache = LinkLookupCache()) {
        self.settings = settings
        self.cache = cache
        self.store = store
        self.clock = clock
        self.recorder = recorder
        self.logger = logger
        bots = SuspectedBot(extraAgents: settings.botUserAgents)
    }

    /// The Hummingbird application (a `Service`: run it in the daemon's `ServiceGroup`, after the recorder).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(responder: responder(), configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "beckon"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// One handler for every request, without a router: the only valid path is the prefix and a token.
    public func responder() -> CallbackResponder<BasicRequestContext> {
        CallbackResponder { request, _ in try answer(request) }
    }

    func answer(_ request: Request) throws -> Response {
        let method: LinkClick.Method
        switch request.method {
        case .get: method = .get
        case .head: method = .head
        default: return miss()
        }
        let path = request.uri.path
        guard path.hasPrefix(settings.pathPrefix) else { return miss() }
        let token = path.dropFirst(settings.pathPrefix.count)
        guard LinkToken.isWellFormed(token) else { return miss() }
        let now = clock.now
        let text = String(token)
        // The store only holds http(s) targets it checked when the link was made (`SQLiteStore.insertLink`).
        guard let link = try lookup(text, at: now), link.expiresAt > now else { return miss() }
        let userAgent = request.headers[.userAgent] ?? ""
        recorder.record(LinkClick(token: text, at: now, method: method, userAgent: userAgent,
                                  bot: bots.reason(method: method, userAgent: userAgent, at: now, reachedAt: link.reachedAt,
                                                   perMessage: link.messageKey != nil)))
        // no-store: a proxy or browser cache that answered the next click itself would hide it.
        return Response(status: .found, headers: [.location: link.target, .cacheControl: "no-store",
                                                  .contentLength: "0"])
    }

    /// From memory when the link is settled and was asked for lately, else from the store.
    func lookup(_ token: String, at now: Date) throws -> LinkLookup? {
        if let kept = cache.answer(for: token, at: now) { return kept }
        guard let link = try store.linkLookup(token: token) else { return nil }
        if link.expiresAt > now { cache.keep(link, for: token) }
        return link
    }

    func miss() -> Response {
        misses.increment()
        return Self.notFound()
    }

    static let notFoundPage = ByteBuffer(string: """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Not found</title></head>
        <body><h1>Not found</h1><p>This link is unknown or has expired.</p></body></html>

        """)

    static func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: notFoundPage))
    }
}
