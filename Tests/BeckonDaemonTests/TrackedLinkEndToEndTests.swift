import AsyncHTTPClient
import BeckonConfig
import BeckonCore
import BeckonServer
import BeckonStore
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Testing
@testable import BeckonDaemon

@Suite("Tracked links end to end: real tokens in the ledger, previews without, clicks in /metrics")
struct TrackedLinkEndToEndTests {
    static let links = LinkSettings(base: "https://m.brand.cn/", target: "https://shop.brand.cn/birthday")

    static func campaign(_ template: String, scope: LinkScope = .perMessage) -> Campaign {
        var campaign = EndToEndTests.birthdayCampaign
        campaign.id = "link_birthday"
        campaign.template = try! MessageTemplate(template)
        campaign.trackedLink = scope
        return campaign
    }

    static func configuration(_ home: borrowing TemporaryHome, _ campaign: Campaign) -> BeckonConfiguration {
        var configuration = home.configuration(campaigns: [campaign])
        configuration.links = LinkConfiguration(settings: links, port: 0)
        configuration.content.links = links
        return configuration
    }

    static let customers = """
        customer_id,name,phone,birthday,timezone
        C1,王芳,13800138000,1990-11-24,Asia/Shanghai
        C2,李雷,13900139000,1985-11-24,Asia/Shanghai

        """

    /// The token after `base` in a text.
    static func token(in text: String) throws -> String {
        let range = try #require(text.range(of: links.base))
        return String(text[range.upperBound...].prefix { LinkToken.alphabet.contains($0) })
    }

    static func key(_ customer: String) -> MessageKey {
        MessageKey(campaign: "link_birthday", wave: 0, customer: customer, localDate: LocalDate(iso: "2026-11-24")!)
    }

    @Test("a cycle sends each message its own random token, recorded with the message; a preview shows XXXXXXX and writes nothing")
    func cycle() async throws {
        let home = try TemporaryHome()
        try home.write(Self.customers, to: "customers.csv")
        let configuration = Self.configuration(home, Self.campaign("【Beckon】{{name}}，生日快乐！{{short_link}} 续卡{{link: \"https://shop.brand.cn/renew\"}}"))
        let store = try SQLiteStore(path: configuration.database.path)
        // The preview first: the same text with placeholders, and no link in the store.
        let preview = try PlanPreview(configuration: configuration, store: store)
        let customer = Customer(id: "C9", name: "王芳", phone: "+8613800138009", birthday: LocalDate(iso: "1990-11-24"))
        let items = try preview.cycle(for: [customer], at: EndToEndTests.instant)
        let previewText = try #require(items.compactMap(\.message).first?.text)
        #expect(previewText == "【Beckon】王芳，生日快乐！https://m.brand.cn/XXXXXXX 续卡https://m.brand.cn/XXXXXXX回复TD退订")

        let engine = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(EndToEndTests.instant),
                                      fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
        let report = try await engine.runCycle()
        #expect(report.dispatch.sent == 2)
        var tokens: [String] = []
        for customer in ["C1", "C2"] {
            let entry = try #require(try store.entry(for: Self.key(customer)))
            let text = entry.message.text
            let stored = try store.linkTokens(of: Self.key(customer))
            #expect(Set(stored.keys) == ["https://shop.brand.cn/birthday", "https://shop.brand.cn/renew"])
            let landing = try #require(stored["https://shop.brand.cn/birthday"])
            #expect(landing.count == 7)
            #expect(try Self.token(in: text) == landing)
            #expect(text.contains("https://m.brand.cn/" + (stored["https://shop.brand.cn/renew"] ?? "?")))
            #expect(!text.contains("XXXXXXX"))
            // The same length as the preview's text, so the same segments were counted and billed.
            #expect(SegmentCounter.count(text) == SegmentCounter.count(previewText.replacingOccurrences(of: "王芳", with: customer == "C1" ? "王芳" : "李雷")))
            let lookup = try #require(try store.linkLookup(token: landing))
            #expect(lookup.messageKey == Self.key(customer).description)
            // 60 days from its send time, or from planning when that came later in the window.
            #expect(lookup.expiresAt == max(entry.message.sendAt, EndToEndTests.instant).addingTimeInterval(60 * 86_400))
            tokens += stored.values
        }
        #expect(Set(tokens).count == 4)
    }

    @Test("tracked_link: per_variant gives every message of the variant one shared link, kept across engines")
    func perVariant() async throws {
        let home = try TemporaryHome()
        try home.write(Self.customers, to: "customers.csv")
        let configuration = Self.configuration(home, Self.campaign("【Beckon】{{name}}，生日快乐！{{short_link}}", scope: .perVariant))
        let store = try SQLiteStore(path: configuration.database.path)
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(EndToEndTests.instant),
                                      fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
        _ = try await engine.runCycle()
        let texts = try ["C1", "C2"].map { try #require(try store.entry(for: Self.key($0))).message.text }
        let shared = try Self.token(in: texts[0])
        #expect(try Self.token(in: texts[1]) == shared)
        #expect(try store.linkTokens(of: Self.key("C1")).isEmpty)
        let lookup = try #require(try store.linkLookup(token: shared))
        #expect(lookup.messageKey == nil)
        #expect(try store.sharedLinks(validAt: EndToEndTests.instant)
                == [LinkRequestKey(campaign: "link_birthday", variant: "", target: "https://shop.brand.cn/birthday"): shared])
        // A shared link's clicks count for the campaign and variant, never as a message's unique click.
        try store.recordClicks([LinkClick(token: shared, at: EndToEndTests.instant, method: .get, userAgent: "phone", bot: nil)])
        let counts = try store.clickCounts(from: .distantPast, to: .distantFuture)
        #expect(counts == [ClickCount(campaign: "link_birthday", variant: "", messageKey: nil, clicks: 1, uniqueClicks: 0, botClicks: 0, messagesClicked: 0)])
    }

    @Test("a reload that changes the template keeps a waiting message's token")
    func retext() throws {
        let home = try TemporaryHome()
        let campaign = Self.campaign("【Beckon】{{name}}，生日快乐！{{short_link}}")
        let configuration = Self.configuration(home, campaign)
        let store = try SQLiteStore(path: configuration.database.path)
        let customer = Customer(id: "C1", name: "王芳", phone: "+8613800138000", birthday: LocalDate(iso: "1990-11-24"))
        try store.upsert([customer])
        var planner = Planner(campaigns: [campaign], defaultTimeZone: configuration.timeZone, calendar: CalendarContext(), content: configuration.content)
        planner.linkTokens = SystemLinkTokens()
        let dayStart = ISOInstant.parse("2026-11-24T00:00:00+08:00", defaultZone: .gmt)!
        let planned = planner.plan(customers: [customer], window: DateInterval(start: dayStart.addingTimeInterval(-1), end: dayStart.addingTimeInterval(1)),
                                   now: dayStart)
        #expect(try store.schedule(planned.messages, at: dayStart).count == 1)
        let before = try #require(try store.linkTokens(of: Self.key("C1"))["https://shop.brand.cn/birthday"])

        var changed = Self.campaign("【Beckon】{{name}}，生日快乐！今天来店有礼 {{short_link}}")
        changed.id = campaign.id
        var next = Planner(campaigns: [changed], defaultTimeZone: configuration.timeZone, calendar: CalendarContext(), content: configuration.content)
        next.linkTokens = SystemLinkTokens()
        #expect(try WaitingMessageRetext.apply(to: [changed], planner: next, store: store, at: dayStart) == 1)
        let text = try #require(try store.entry(for: Self.key("C1"))).message.text
        #expect(text == "【Beckon】王芳，生日快乐！今天来店有礼 https://m.brand.cn/\(before)回复TD退订")
        #expect(try store.linkTokens(of: Self.key("C1")) == ["https://shop.brand.cn/birthday": before])
    }

    @Test("clicks, unique clicks and bot clicks are counted in /metrics as they are written")
    func metrics() throws {
        let registry = DispatchMetricsTests.registry
        func value(_ name: String) -> Double {
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(name + " ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        let store = try SQLiteStore()
        let key = Self.key("C1")
        let sentAt = EndToEndTests.instant
        let message = PlannedMessage(key: key, category: .care, phone: "+8613800138000", channel: "sms", text: "https://m.brand.cn/abcdefg",
                                     sendAt: sentAt, validUntil: sentAt.addingTimeInterval(60), reason: "birthday",
                                     links: [TrackedLink(token: "abcdefg", target: "https://shop.brand.cn/", url: "https://m.brand.cn/abcdefg",
                                                         scope: .perMessage, expiresAt: sentAt.addingTimeInterval(86_400))])
        _ = try store.schedule([message], at: sentAt)
        let before = ["beckon_link_clicks_total", "beckon_link_unique_clicks_total", "beckon_link_bot_clicks_total"].map(value)
        let recorder = ClickRecorder(store: store, logger: Logger(label: "test"))
        for (agent, bot) in [("phone", nil), ("phone", nil), ("WhatsApp/2", LinkClick.BotReason.userAgent)] {
            recorder.record(LinkClick(token: "abcdefg", at: sentAt.addingTimeInterval(60), method: .get, userAgent: agent, bot: bot))
        }
        try recorder.flush()
        let after = ["beckon_link_clicks_total", "beckon_link_unique_clicks_total", "beckon_link_bot_clicks_total"].map(value)
        #expect(zip(after, before).map { $0 - $1 } == [3, 1, 1])
    }
}

@Suite("Tracked links in the daemon's service group")
struct TrackedLinkDaemonTests {
    @Test("the daemon serves the links it sent: a phone's click on a sent message is a 302 and a stored unique click")
    func daemon() async throws {
        let home = try TemporaryHome()
        try home.write(TrackedLinkEndToEndTests.customers, to: "customers.csv")
        let configuration = TrackedLinkEndToEndTests.configuration(home, TrackedLinkEndToEndTests.campaign("【Beckon】{{name}}，生日快乐！{{short_link}}"))
        let store = try SQLiteStore(path: configuration.database.path)
        let clock = MovableClock(EndToEndTests.instant)
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: clock,
                                      fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
        _ = try await engine.runCycle()
        let key = TrackedLinkEndToEndTests.key("C1")
        let token = try TrackedLinkEndToEndTests.token(in: try #require(try store.entry(for: key)).message.text)

        // Ten minutes after it went: a person's click.
        clock.now = EndToEndTests.instant.addingTimeInterval(600)
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let group = BeckonDaemon.serviceGroup(engine: engine, logger: Logger(label: "test"), onLinksRunning: { port.yield($0) })
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let bound = try #require(await iterator.next())
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(bound)/\(token)")
            request.headers.add(name: "User-Agent", value: "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36")
            let response = try await client.execute(request, timeout: .seconds(5))
            #expect(response.status.code == 302)
            #expect(response.headers.first(name: "Location") == "https://shop.brand.cn/birthday")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await client.shutdown()
        // Written by the recorder as the group stopped.
        let clicks = try store.clicks(from: .distantPast, to: .distantFuture)
        #expect(clicks.map(\.messageKey) == [key.description])
        #expect(clicks.map(\.isUnique) == [true])
    }
}

/// A clock a test moves by hand.
final class MovableClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    init(_ instant: Date) { self.instant = instant }
    var now: Date {
        get { lock.withLock { instant } }
        set { lock.withLock { instant = newValue } }
    }
}
