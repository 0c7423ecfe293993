import BeckonCore
import Testing

@Suite("Per-campaign content settings")
struct CampaignContentTests {
    let global = ContentPolicy(brand: "品牌", locale: .zh)
    let body = "Mary, your member gift is waiting for you in our store: show this message at the till before Sunday."

    func campaign(_ content: CampaignContent, category: MessageCategory = .marketing) throws -> Campaign {
        var campaign = Campaign(id: "expat", name: "expat", category: category, trigger: .birthday(BirthdayRule()),
                                template: try MessageTemplate(body))
        campaign.content = content
        return campaign
    }

    @Test("an English campaign beside the global locale zh gets the English signature and opt-out line, in GSM-7")
    func englishBesideChinese() throws {
        let composer = MessageComposer(content: global)
        let english = try composer.compose(campaign(CampaignContent(locale: .en, brand: "Beckon")), values: [:]).text
        let chinese = try composer.compose(campaign(CampaignContent()), values: [:]).text
        #expect(english == "Beckon: " + body + " Reply STOP to opt out")
        #expect(!english.contains("【") && !english.contains("退订"))
        #expect(chinese.hasPrefix("【品牌】") && chinese.hasSuffix("回复TD退订"))
        let (gsm, ucs) = (SegmentCounter.count(english), SegmentCounter.count(chinese))
        #expect(gsm.encoding == .gsm7 && ucs.encoding == .ucs2)
        #expect(gsm.segments * 2 == ucs.segments, "\(gsm) against \(ucs)")
    }

    @Test("switching the locale takes that locale's opt-out text; the same locale keeps the global text; an explicit text wins")
    func optOutText() {
        let custom = ContentPolicy(brand: "品牌", locale: .zh, optOutText: "拒收请回复R")
        #expect(custom.applying(CampaignContent(locale: .en)).optOutText == "Reply STOP to opt out")
        #expect(custom.applying(CampaignContent(locale: .zh)).optOutText == "拒收请回复R")
        #expect(custom.applying(CampaignContent(locale: .en, optOutText: "Text STOP to end")).optOutText == "Text STOP to end")
        #expect(custom.applying(CampaignContent()) == custom)
    }

    @Test("an empty campaign brand sends that campaign unsigned and the check warns; other campaigns keep the global brand")
    func unsigned() throws {
        let checker = ContentCheck(content: global)
        let findings = checker.check(try campaign(CampaignContent(locale: .en, brand: ""))).findings
        #expect(findings.contains { $0.severity == .warn && $0.message.contains("no brand is configured") })
        let measure = checker.check(try campaign(CampaignContent(locale: .en, brand: ""))).measures.first
        #expect(measure?.sample == body + " Reply STOP to opt out")
        #expect(checker.check(try campaign(CampaignContent())).measures.first?.sample.hasPrefix("【品牌】") == true)
    }

    @Test("the check measures a campaign with its own settings: an English campaign costs what its messages will")
    func checkMeasures() throws {
        let checker = ContentCheck(content: global)
        let english = try #require(checker.check(try campaign(CampaignContent(locale: .en, brand: "Beckon"))).measures.first)
        let chinese = try #require(checker.check(try campaign(CampaignContent())).measures.first)
        #expect(english.count.encoding == .gsm7)
        #expect(english.count.segments * 2 == chinese.count.segments)
        #expect(english.sample.hasSuffix("Reply STOP to opt out"))
    }

    @Test("a transactional campaign gets the campaign's signature and no opt-out line")
    func transactional() throws {
        let text = try MessageComposer(content: global).compose(campaign(CampaignContent(locale: .en, brand: "Beckon"), category: .transactional),
                                                                values: [:]).text
        #expect(text == "Beckon: " + body)
    }
}
