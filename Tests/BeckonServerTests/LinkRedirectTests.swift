import AsyncHTTPClient
import BeckonCore
import BeckonServer
import BeckonStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// A clock a test moves by hand.
final class SettableClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    init(_ instant: Date) { self.instant = instant }
    var now: Date {
        get { lock.withLock { instant } }
        set { lock.withLock { instant = newValue } }
    }
}

@Suite("Tracked links: the redirect listener over real HTTP on loopback")
struct LinkRedirectTests {
    static let sentAt = ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt)!
    static let phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    static let android = "Mozilla/5.0 (Linux; Android 14; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36 MicroMessenger/8.0.49"

    static func key(_ customer: String) -> MessageKey {
        MessageKey(campaign: "spring", wave: 0, customer: customer, localDate: LocalDate(iso: "2026-11-24")!)
    }

    /// Messages C1..C4 sent at `sentAt`, each with one link `tok000N` to `https://shop.example/N`; C1 delivered
    /// 10 s after sending, C2 never reported, C3 delivered at `sentAt` + 60 s, C4's link expired a day after sending.
    static func store() throws -> SQLiteStore {
        let store = try SQLiteStore()
        let messages = (1...4).map { n in
            let token = "tok000\(n)"
            return PlannedMessage(key: key("C\(n)"), category: .marketing, phone: "+861380013800\(n)", channel: "sms",
                                  text: "看看 https://m.brand.cn/\(token)", variant: "a", sendAt: sentAt, validUntil: sentAt.addingTimeInterval(3600),
                                  reason: "spring", links: [TrackedLink(token: token, target: "https://shop.example/\(n)", url: "https://m.brand.cn/\(token)",
                                                                        scope: .perMessage, expiresAt: sentAt.addingTimeInterval(n == 4 ? 86_400 : 60 * 86_400))])
        }
        #expect(try store.schedule(messages, at: sentAt).count == 4)
        try store.markPending(messages.map(\.key), at: sentAt)
        try store.record(messages.map { DispatchOutcome(key: $0.key, status: .sent, providerID: "gw-\($0.key.customer)", channel: "sms") }, at: sentAt)
        for (customer, after) in [("C1", 10.0), ("C3", 60.0)] {
            _ = try store.apply(DeliveryReport(channel: "sms", key: key(customer), providerID: "gw-\(customer)", part: "", status: .delivered,
                                               providerCode: "DELIVRD", at: sentAt.addingTimeInterval(after)))
        }
        return store
    }

    /// Runs the listener (port 0) and its recorder in a service group while `body` makes requests.
    static func withListener(store: SQLiteStore, clock: SettableClock, prefix: String = "/",
                             _ body: @Sendable (_ base: String, _ client: HTTPClient, _ recorder: ClickRecorder) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let recorder = ClickRecorder(store: store, logger: logger, interval: .milliseconds(20))
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let server = LinkRedirectServer(settings: .init(port: 0, pathPrefix: prefix, botUserAgents: ["MyMonitor"]), store: store, clock: clock,
                                        recorder: recorder, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [recorder, server.application(onServerRunning: { port.yield($0) })], logger: logger))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let bound = try #require(await iterator.next())
            do {
                try await body("http://127.0.0.1:\(bound)", client, recorder)
            } catch {
                await group.triggerGracefulShutdown()
                try await client.shutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await client.shutdown()
    }

    struct Answer {
        var status: Int
        var location: String?
        var body: String
        var cacheControl: String?
    }

    static func request(_ client: HTTPClient, _ url: String, method: HTTPMethod = .GET, userAgent: String? = phone) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let userAgent { request.headers.add(name: "User-Agent", value: userAgent) }
        let response = try await client.execute(request, timeout: .seconds(5))
        let body = method == .HEAD ? "" : String(buffer: try await response.body.collect(upTo: 1 << 16))
        return Answer(status: Int(response.status.code), location: response.headers.first(name: "Location"), body: body,
                      cacheControl: response.headers.first(name: "Cache-Control"))
    }

    @Test("a phone's click is a 302 to the target and the message's one unique click; a second click is not unique")
    func phoneClick() async throws {
        let store = try Self.store()
        let clock = SettableClock(Self.sentAt.addingTimeInterval(300))
        try await Self.withListener(store: store, clock: clock) { base, client, recorder in
            let first = try await Self.request(client, base + "/tok0001")
            #expect(first.status == 302)
            #expect(first.location == "https://shop.example/1")
            #expect(first.cacheControl == "no-store")
            clock.now = Self.sentAt.addingTimeInterval(400)
            let second = try await Self.request(client, base + "/tok0001?utm=ignored", userAgent: Self.android)
            #expect(second.location == "https://shop.example/1")
            try recorder.flush()
        }
        let clicks = try store.clicks(from: Self.sentAt, to: Self.sentAt.addingTimeInterval(86_400))
        #expect(clicks.map(\.messageKey) == [Self.key("C1").description, Self.key("C1").description])
        #expect(clicks.map(\.at) == [Self.sentAt.addingTimeInterval(300), Self.sentAt.addingTimeInterval(400)])
        #expect(clicks.map(\.isUnique) == [true, false])
        #expect(clicks.map(\.bot) == [nil, nil])
        #expect(clicks.map(\.userAgent) == [Self.phone, Self.android])
        #expect(clicks.map(\.campaign) == ["spring", "spring"])
        #expect(clicks.map(\.variant) == ["a", "a"])
    }

    @Test("link-preview and crawler user agents are redirected but marked as bots, never unique", arguments: [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "WhatsApp/2.23.20.0 A", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "TelegramBot (like TwitterBot)", "curl/8.5.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "", "MyMonitor/3.0",
    ])
    func bots(agent: String) async throws {
        let store = try Self.store()
        let clock = SettableClock(Self.sentAt.addingTimeInterval(300))
        try await Self.withListener(store: store, clock: clock) { base, client, recorder in
            let answer = try await Self.request(client, base + "/tok0001", userAgent: agent)
            #expect(answer.status == 302)
            #expect(answer.location == "https://shop.example/1")
            try recorder.flush()
        }
        let clicks = try store.clicks(from: Self.sentAt, to: Self.sentAt.addingTimeInterval(86_400))
        #expect(clicks.map(\.bot) == [.userAgent])
        #expect(clicks.map(\.isUnique) == [false])
    }

    @Test("a HEAD request is redirected and marked; a click within 2 s of delivery is too soon, and a later one still unique")
    func headAndTooSoon() async throws {
        let store = try Self.store()
        // C3 was delivered at sentAt + 60 s; C2 has no report, so its send time counts.
        let clock = SettableClock(Self.sentAt.addingTimeInterval(61.5))
        try await Self.withListener(store: store, clock: clock) { base, client, recorder in
            let head = try await Self.request(client, base + "/tok0001", method: .HEAD)
            #expect(head.status == 302)
            #expect(head.location == "https://shop.example/1")
            #expect(try await Self.request(client, base + "/tok0003").status == 302)
            clock.now = Self.sentAt.addingTimeInterval(1)
            #expect(try await Self.request(client, base + "/tok0002").status == 302)
            clock.now = Self.sentAt.addingTimeInterval(62.5)
            #expect(try await Self.request(client, base + "/tok0003").status == 302)
            try recorder.flush()
        }
        let clicks = try store.clicks(from: Self.sentAt, to: Self.sentAt.addingTimeInterval(86_400))
        #expect(clicks.map(\.token) == ["tok0002", "tok0001", "tok0003", "tok0003"])
        #expect(clicks.map(\.method) == [.get, .head, .get, .get])
        #expect(clicks.map(\.bot) == [.tooSoon, .head, .tooSoon, nil])
        #expect(clicks.map(\.isUnique) == [false, false, false, true])
        let counts = try store.clickCounts(from: Self.sentAt, to: Self.sentAt.addingTimeInterval(86_400))
        #expect(counts == [ClickCount(campaign: "spring", variant: "a", messageKey: nil, clicks: 4, uniqueClicks: 1, botClicks: 3, messagesClicked: 1)])
        let perMessage = try store.clickCounts(from: Self.sentAt, to: Self.sentAt.addingTimeInterval(86_400), perMessage: true)
        #expect(perMessage.map(\.messageKey) == ["C1", "C2", "C3"].map { Self.key($0).description })
        #expect(perMessage.map(\.uniqueClicks) == [0, 0, 1])
        #expect(perMessage.map(\.botClicks) == [1, 1, 1])
    }

    @Test("unknown, malformed and expired tokens, other methods and open-redirect paths get the plain 404 page", arguments: [
        "/tok9999", "/tok0004", "/", "", "//evil.example", "/https://evil.example", "/%2F%2Fevil.example", "/tok0001/evil.example",
        "/tok0001%2F..%2Fevil", "/?next=https://evil.example", "/TOK0001", "/tok0001.", "/r/tok0001",
    ])
    func notFound(path: String) async throws {
        let store = try Self.store()
        // Two days after sending: C4's link (one day) expired, the others (60 days) answer.
        let clock = SettableClock(Self.sentAt.addingTimeInterval(2 * 86_400))
        try await Self.withListener(store: store, clock: clock) { base, client, recorder in
            let answer = try await Self.request(client, base + path)
            #expect(answer.status == 404, "\(path)")
            #expect(answer.location == nil)
            #expect(answer.body.contains("This link is unknown or has expired."))
            let post = try await Self.request(client, base + "/tok0001", method: .POST)
            #expect(post.status == 404)
            try recorder.flush()
        }
        #expect(try store.clicks(from: .distantPast, to: .distantFuture).isEmpty)
    }

    @Test("a base with a path (https://m.brand.cn/r/) serves tokens under it only")
    func prefix() async throws {
        let store = try Self.store()
        let clock = SettableClock(Self.sentAt.addingTimeInterval(300))
        #expect(LinkRedirectServer.Settings.pathPrefix(ofBase: "https://m.brand.cn/r/") == "/r/")
        #expect(LinkRedirectServer.Settings.pathPrefix(ofBase: "https://m.brand.cn/") == "/")
        try await Self.withListener(store: store, clock: clock, prefix: "/r/") { base, client, _ in
            let under = try await Self.request(client, base + "/r/tok0001")
            #expect(under.location == "https://shop.example/1")
            let outside = try await Self.request(client, base + "/tok0001")
            #expect(outside.status == 404)
        }
    }
}

@Test func botAgentsMatchAsBytesCaseInsensitively() {
    let bots = SuspectedBot(extraAgents: ["MyScanner"])
    #expect(bots.isBotAgent("Mozilla/5.0 (compatible; FacebookExternalHit/1.1)"))
    #expect(bots.isBotAgent("curl/8.5.0"))
    #expect(bots.isBotAgent("something myscanner 2.0"))
    #expect(bots.isBotAgent("   \t "))
    #expect(bots.isBotAgent(""))
    #expect(!bots.isBotAgent("Mozilla/5.0 (Linux; Android 14; CUBOT X70) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"))
    #expect(!bots.isBotAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) 微信 MicroMessenger/8.0"))
    #expect(bots.isBotAgent("WhatsApp/2.23"))
    #expect(!bots.isBotAgent("c"))
}
