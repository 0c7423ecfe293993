import BeckonCore
import Testing

@Suite("Opt-out keywords in replies")
struct OptOutKeywordsTests {
    let keywords = OptOutKeywords()

    @Test("a reply that is only a keyword is acted on", arguments: ["TD", "td", "ＴＤ", " 退订 ", "STOP!", "ｓｔｏｐ！", "Unsubscribe."])
    func wholeKeyword(reply: String) {
        guard case .optOut = keywords.classify(reply) else {
            Issue.record("'\(reply)' should opt out, got \(keywords.classify(reply))")
            return
        }
    }

    @Test("a keyword inside a Chinese or English sentence is flagged for a person to read", arguments: [
        ("不要TD了谢谢", "TD"), ("请帮我退订，谢谢", "退订"), ("回复TD退订", "TD"), ("ＴＤ吧", "TD"),
        ("please stop texting me", "STOP"), ("别再发了 STOP", "STOP"), ("我要START", "START"),
    ])
    func keywordInsideText(reply: String, keyword: String) {
        #expect(keywords.classify(reply) == .review(keyword: keyword))
    }

    @Test("letters that merely contain a keyword are not one", arguments: ["STOPPED at the shop", "ATDT", "谢谢", "好的", "T恤很好看", "BTW thanks"])
    func noKeyword(reply: String) {
        #expect(keywords.classify(reply) == .none)
    }

    @Test("opting back in", arguments: ["START", "start", "ＳＴＡＲＴ"])
    func optIn(reply: String) {
        #expect(keywords.classify(reply) == .optIn(keyword: "START"))
    }
}
