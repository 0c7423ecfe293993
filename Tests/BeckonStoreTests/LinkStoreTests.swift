import BeckonCore
import BeckonStore
import Foundation
import Testing

@Suite("Store: tracked links with their ledger rows, clicks and their counts")
struct LinkStoreTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func message(_ customer: String, token: String, status: String = "") -> PlannedMessage {
        let key = MessageKey(campaign: "spring", wave: 0, customer: customer, localDate: LocalDate(iso: "2026-09-20")!)
        let url = "https://m.brand.cn/" + token
        return PlannedMessage(key: key, category: .marketing, phone: "+8613800138000", channel: "sms", text: "看看 \(url) 回复TD退订",
                              variant: "b", sendAt: now, validUntil: now.addingTimeInterval(3600), reason: "spring",
                              links: [TrackedLink(token: token, target: "https://shop.example/\(customer)", url: url, scope: .perMessage,
                                                  expiresAt: now.addingTimeInterval(86_400))])
    }

    @Test("a message's links are written with it, and not when its key was already planned")
    func written() throws {
        let store = try SQLiteStore()
        #expect(try store.schedule([Self.message("C1", token: "aaaaaaa")], at: Self.now).count == 1)
        // Planned again (a re-run): the ledger keeps the first, and so does the link table.
        #expect(try store.schedule([Self.message("C1", token: "bbbbbbb")], at: Self.now).isEmpty)
        #expect(try store.linkLookup(token: "aaaaaaa")?.target == "https://shop.example/C1")
        #expect(try store.linkLookup(token: "bbbbbbb") == nil)
    }

    @Test("a token another link holds is drawn again, in the text too, at the same length")
    func collision() throws {
        let store = try SQLiteStore()
        let first = Self.message("C1", token: "sameTok")
        let second = Self.message("C2", token: "sameTok")
        #expect(try store.schedule([first, second], at: Self.now).count == 2)
        let text = try #require(try store.entry(for: second.key)).message.text
        let token = try #require(try store.linkTokens(of: second.key)["https://shop.example/C2"])
        #expect(token != "sameTok")
        #expect(token.count == 7)
        #expect(text == "看看 https://m.brand.cn/\(token) 回复TD退订")
        #expect(try store.entry(for: second.key)?.message.text.count == second.text.count)
        #expect(try store.linkLookup(token: "sameTok")?.messageKey == first.key.description)
    }

    @Test("a message has at most one unique click, a person's first; bots' clicks never are")
    func unique() throws {
        let store = try SQLiteStore()
        _ = try store.schedule([Self.message("C1", token: "aaaaaaa"), Self.message("C2", token: "ccccccc")], at: Self.now)
        let at = Self.now.addingTimeInterval(60)
        let recorded = try store.recordClicks([
            LinkClick(token: "aaaaaaa", at: at, method: .get, userAgent: "WhatsApp/2", bot: .userAgent),
            LinkClick(token: "aaaaaaa", at: at, method: .get, userAgent: "phone", bot: nil),
            LinkClick(token: "aaaaaaa", at: at, method: .get, userAgent: "phone", bot: nil),
            LinkClick(token: "ccccccc", at: at, method: .head, userAgent: "phone", bot: .head),
            LinkClick(token: "zzzzzzz", at: at, method: .get, userAgent: "phone", bot: nil),
        ])
        // The unknown token is not recorded (the listener never hands one over).
        #expect(recorded.map(\.isUnique) == [false, true, false, false])
        let counts = try store.clickCounts(from: Self.now, to: Self.now.addingTimeInterval(3600), perMessage: true)
        #expect(counts.map(\.clicks) == [3, 1])
        #expect(counts.map(\.uniqueClicks) == [1, 0])
        #expect(counts.map(\.botClicks) == [1, 1])
        #expect(counts.map(\.messagesClicked) == [1, 0])
        // Outside the period, nothing.
        #expect(try store.clickCounts(from: Self.now.addingTimeInterval(3600), to: Self.now.addingTimeInterval(7200)).isEmpty)
        #expect(try store.clicks(from: Self.now, to: Self.now.addingTimeInterval(3600), campaign: "other").isEmpty)
        #expect(try store.clicks(from: Self.now, to: Self.now.addingTimeInterval(3600), campaign: "spring").count == 4)
    }

    @Test("a reload's new text drops the links it no longer has and records its new ones")
    func retext() throws {
        let store = try SQLiteStore()
        let message = Self.message("C1", token: "aaaaaaa")
        _ = try store.schedule([message], at: Self.now)
        let link = TrackedLink(token: "ddddddd", target: "https://shop.example/new", url: "https://m.brand.cn/ddddddd", scope: .perMessage,
                               expiresAt: Self.now.addingTimeInterval(86_400))
        #expect(try store.replaceWaitingTexts([.init(key: message.key, text: "新 https://m.brand.cn/ddddddd", variant: "b", links: [link])], at: Self.now) == 1)
        #expect(try store.linkTokens(of: message.key) == ["https://shop.example/new": "ddddddd"])
        #expect(try store.linkLookup(token: "aaaaaaa") == nil)
    }
}
