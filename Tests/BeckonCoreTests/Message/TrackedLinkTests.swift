import BeckonCore
import Foundation
import Testing

/// A token source that counts its draws: `T000001`, `T000002`, ... (tests only: real tokens are random).
final class CountingLinkTokens: LinkTokenSource, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var requests: [LinkRequest] = []

    func token(for request: LinkRequest) -> String {
        lock.withLock {
            requests.append(request)
            let number = String(requests.count)
            return "T" + String(repeating: "0", count: max(0, request.length - 1 - number.count)) + number
        }
    }
}

@Suite("Tracked links: tokens, templates, composition and segments")
struct TrackedLinkTests {
    static let links = LinkSettings(base: "https://m.brand.cn/", target: "https://shop.brand.cn/spring")

    func campaign(_ template: String, category: MessageCategory = .marketing, scope: LinkScope = .perMessage) -> Campaign {
        var campaign = Campaign(id: "spring", name: "spring", category: category, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate(template))
        campaign.trackedLink = scope
        return campaign
    }

    @Test("a token is 7 base62 characters from the generator, and 200,000 draws are all different")
    func tokens() {
        var generator = SystemRandomNumberGenerator()
        var seen = Set<String>()
        var characters = Set<Character>()
        for _ in 0..<200_000 {
            let token = LinkToken.random(length: 7, using: &generator)
            #expect(token.count == 7)
            #expect(LinkToken.isWellFormed(Substring(token)))
            characters.formUnion(token)
            seen.insert(token)
        }
        #expect(seen.count == 200_000)
        // Every one of the 62 characters turns up (1.4 million characters drawn), and nothing else.
        #expect(characters == Set(LinkToken.alphabet))
        #expect(LinkToken.random(length: 12, using: &generator).count == 12)
    }

    @Test("tokens are uniform: each character's share of 620,000 is within 2% of 1/62")
    func uniform() {
        var generator = SystemRandomNumberGenerator()
        var counts: [Character: Int] = [:]
        for _ in 0..<10_000 { for character in LinkToken.random(length: 62, using: &generator) { counts[character, default: 0] += 1 } }
        // Expected 10,000 each; the standard deviation is about 99.
        #expect(counts.values.allSatisfy { abs($0 - 10_000) < 600 }, "\(counts.values.sorted().prefix(3)) ... \(counts.values.sorted().suffix(3))")
    }

    @Test("well-formed tokens are base62 of 4 to 32 characters", arguments: [
        ("abc1234", true), ("ABCdef9", true), ("abc", false), ("abc-123", false), ("abc%2F1", false), ("/evil.com", false),
        ("", false), ("ａｂｃ１２３４", false), (String(repeating: "a", count: 33), false),
    ])
    func wellFormed(text: String, valid: Bool) {
        #expect(LinkToken.isWellFormed(Substring(text)) == valid)
    }

    @Test("{{short_link}} and {{link: \"URL\"}} parse as links; {{link}} is still a field")
    func parse() throws {
        let template = try MessageTemplate("a{{short_link}}b{{ link : \"https://shop.example/renew?x=1\" }}c{{link}}")
        #expect(Array(template.parts.prefix(5)) == [
            .text("a"), .link(.init(target: .shortLink, offset: 1)), .text("b"),
            .link(.init(target: .url("https://shop.example/renew?x=1"), offset: 16)), .text("c"),
        ])
        #expect(template.placeholders == ["link"])
        #expect(template.linkTargets == [.shortLink, .url("https://shop.example/renew?x=1")])
    }

    @Test("malformed links say what to write", arguments: [
        ("{{link: https://a.example}}", "needs a quoted URL"), ("{{link: \"ftp://a.example/x\"}}", "not an absolute http(s) URL"),
        ("{{link: \"/renew\"}}", "not an absolute http(s) URL"), ("{{link: \"https://a.example/x\" | upper}}", "needs a quoted URL"),
        ("{{short_link | upper}}", "takes no filters"), ("{{link: \"javascript:alert(1)\"}}", "not an absolute http(s) URL"),
    ])
    func malformed(source: String, message: String) {
        #expect { try MessageTemplate(source) } throws: { "\($0)".contains(message) }
    }

    @Test("each message gets base + token, one token per target however often it appears")
    func compose() throws {
        let tokens = CountingLinkTokens()
        let composer = MessageComposer(content: ContentPolicy(brand: "品牌", links: Self.links))
        let key = MessageKey(campaign: "spring", wave: 0, customer: "C1", localDate: LocalDate(iso: "2026-03-05")!)
        let composed = try composer.compose(campaign("{{name}}看看{{short_link}}，续费{{link: \"https://shop.brand.cn/renew\"}}，再看{{short_link}}"),
                                            values: ["name": "王芳", "customer_id": "C1"], key: key, tokens: tokens)
        #expect(composed.text == "【品牌】王芳看看https://m.brand.cn/T000001，续费https://m.brand.cn/T000002，再看https://m.brand.cn/T000001回复TD退订")
        #expect(composed.links == [
            TrackedLink(token: "T000001", target: "https://shop.brand.cn/spring", url: "https://m.brand.cn/T000001", scope: .perMessage),
            TrackedLink(token: "T000002", target: "https://shop.brand.cn/renew", url: "https://m.brand.cn/T000002", scope: .perMessage),
        ])
        #expect(tokens.requests.map(\.key) == [key, key])
        #expect(tokens.requests.map(\.length) == [7, 7])
    }

    @Test("a per-variant campaign asks for its variant's link; the source decides the token")
    func perVariant() throws {
        let tokens = CountingLinkTokens()
        let composer = MessageComposer(content: ContentPolicy(links: Self.links))
        _ = try composer.compose(campaign("{{short_link}}", scope: .perVariant), values: [:], tokens: tokens)
        #expect(tokens.requests.map(\.scope) == [.perVariant])
        #expect(tokens.requests.first?.target == "https://shop.brand.cn/spring")
    }

    @Test("segments are counted on the text with the link in it", arguments: [
        // GSM-7: 134 characters before the link, 26 for it: 160 fit one segment; one more character needs two.
        (String(repeating: "a", count: 134), 1, SegmentCounter.Encoding.gsm7),
        (String(repeating: "a", count: 135), 2, .gsm7),
        // UCS-2: 44 Chinese characters and the 26 of the link fit 70 units; 45 need two segments.
        (String(repeating: "春", count: 44), 1, .ucs2),
        (String(repeating: "春", count: 45), 2, .ucs2),
    ])
    func segments(body: String, segments: Int, encoding: SegmentCounter.Encoding) throws {
        let composer = MessageComposer(content: ContentPolicy(links: Self.links))
        let composed = try composer.compose(campaign(body + "{{short_link}}", category: .transactional), values: [:], tokens: CountingLinkTokens())
        #expect(composed.text.hasSuffix("https://m.brand.cn/T000001"))
        let count = SegmentCounter.count(composed.text)
        #expect(count.segments == segments)
        #expect(count.encoding == encoding)
        // A preview (placeholder tokens) counts exactly the same.
        let preview = try composer.compose(campaign(body + "{{short_link}}", category: .transactional), values: [:])
        #expect(preview.text.hasSuffix("https://m.brand.cn/XXXXXXX"))
        #expect(SegmentCounter.count(preview.text) == count)
    }

    @Test("without links:, {{short_link}} is content.short_link and {{link: …}} its URL, untracked")
    func untracked() throws {
        let composer = MessageComposer(content: ContentPolicy(shortLink: "https://b.cn/x"))
        let composed = try composer.compose(campaign("{{short_link}} {{link: \"https://a.example/r\"}}", category: .transactional), values: [:])
        #expect(composed.text == "https://b.cn/x https://a.example/r")
        #expect(composed.links.isEmpty)
        #expect(throws: TemplateError.missingField("short_link")) {
            try MessageComposer(content: ContentPolicy()).compose(campaign("{{short_link}}"), values: [:])
        }
    }

    @Test("the planner's message carries its links, expiring expire_days after its send time")
    func planned() throws {
        var links = Self.links
        links.expireDays = 30
        var planner = Planner(campaigns: [campaign("{{short_link}}")], defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!,
                              calendar: CalendarContext(), content: ContentPolicy(links: links))
        planner.linkTokens = CountingLinkTokens()
        let customer = Customer(id: "C1", name: "王芳", phone: "+8613800138000", birthday: LocalDate(iso: "1990-03-05"))
        let now = ISOInstant.parse("2026-03-05T08:00:00+08:00", defaultZone: .gmt)!
        let result = planner.plan(customers: [customer], window: DateInterval(start: now.addingTimeInterval(-3600), end: now), now: now)
        let message = try #require(result.messages.first)
        #expect(message.text.contains("https://m.brand.cn/T000001"))
        #expect(message.links.map(\.token) == ["T000001"])
        #expect(message.links.first?.expiresAt == message.sendAt.addingTimeInterval(30 * 86_400))
    }

    @Test("check blocks {{short_link}} with nowhere to lead, warns on untracked links, and prices the link's length")
    func check() throws {
        let blocked = ContentCheck(content: ContentPolicy(brand: "品牌", links: LinkSettings(base: "https://m.brand.cn/")))
            .check(campaign("【品牌】{{short_link}}"))
        #expect(blocked.findings.contains { $0.severity == .block && $0.message.contains("{{short_link}} at character 4 has no link") })
        let untracked = ContentCheck(content: ContentPolicy(brand: "品牌")).check(campaign("【品牌】{{link: \"https://a.example/r\"}}"))
        #expect(untracked.findings.contains { $0.severity == .warn && $0.message.contains("is not tracked without a links: section") })
        let tracked = ContentCheck(content: ContentPolicy(brand: "品牌", links: Self.links)).check(campaign("【品牌】{{short_link}}春"))
        #expect(!tracked.findings.contains { $0.severity == .block })
        #expect(tracked.measures.first?.sample == "【品牌】https://m.brand.cn/XXXXXXX春回复TD退订")
    }
}
