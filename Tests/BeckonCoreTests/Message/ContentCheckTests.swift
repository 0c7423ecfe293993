import BeckonCore
import Testing

@Suite("Content checks")
struct ContentCheckTests {
    func campaign(_ template: String, category: MessageCategory = .marketing, variants: [CampaignVariant] = []) -> Campaign {
        var campaign = Campaign(id: "spring", name: "spring", category: category, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate(template))
        campaign.variants = variants
        return campaign
    }

    let checker = ContentCheck(content: ContentPolicy(brand: "品牌", maxSegments: 1, shortLink: "https://b.cn/abcdef"),
                               knownFields: ["voucher"])

    @Test("risky phrases are reported with their position and severity")
    func phrases() {
        let findings = checker.check(campaign("【品牌】恭喜中奖！点击领取免费礼品回复TD退订")).findings
        #expect(findings.contains { $0.severity == .block && $0.message.contains("'中奖' at character 6") })
        #expect(findings.contains { $0.severity == .warn && $0.message.contains("'点击领取' at character 9") })
        #expect(findings.contains { $0.severity == .warn && $0.message.contains("'免费' at character 13") })
    }

    @Test("an unknown field without a default blocks; with a default it is fine")
    func unknownFields() {
        #expect(checker.check(campaign("【品牌】{{nickname}}你好")).findings.contains { $0.severity == .block && $0.message.contains("{{nickname}}") })
        #expect(!checker.check(campaign("【品牌】{{nickname | default: \"会员\"}}你好{{voucher}}")).findings.contains { $0.severity == .block })
    }

    @Test("{{coupon}} without coupon: blocks; with a pool it counts the pool's longest code, and an unknown pool warns")
    func couponFields() throws {
        let plain = campaign("【品牌】您的券{{coupon}}，{{coupon_expires_on | date: \"M月d日\"}}前有效")
        #expect(checker.check(plain).findings.contains { $0.severity == .block && $0.message.contains("{{coupon}}") && $0.message.contains("coupon: POOL") })
        var pooled = plain
        pooled.coupon = "spring"
        var withPools = checker
        withPools.couponPools = ["spring": Coupon(pool: "spring", code: "SPRING-2027-ABCDEFGH", expiresOn: LocalDate(iso: "2027-04-30")!)]
        let (findings, measures) = withPools.check(pooled)
        #expect(!findings.contains { $0.severity == .block })
        #expect(measures.first?.sample.contains("SPRING-2027-ABCDEFGH，4月30日前有效") == true)
        withPools.couponPools = [:]
        #expect(withPools.check(pooled).findings.contains { $0.severity == .warn && $0.message.contains("'spring' has never been imported") })
    }

    @Test("too many segments warn, and the measure shows chars, encoding and segments")
    func segments() {
        let (findings, measures) = checker.check(campaign("【品牌】" + String(repeating: "很长的内容", count: 20)))
        #expect(findings.contains { $0.message.contains("exceeds the maximum of 1") })
        #expect(measures.first?.count.encoding == .ucs2)
        #expect(measures.first?.count.segments == 2)
    }

    @Test("a short link late in the message warns")
    func shortLinkPosition() {
        let late = checker.check(campaign("【品牌】亲爱的会员，春季新品已经全部到店，欢迎您来选购，详情请看{{short_link}}"))
        #expect(late.findings.contains { $0.message.contains("first third") })
        let early = checker.check(campaign("【品牌】{{short_link}} 春季新品到店"))
        #expect(!early.findings.contains { $0.message.contains("first third") })
    }

    @Test("missing signature and opt-out are reported as added; empty variants block")
    func complianceAndVariants() throws {
        let findings = checker.check(campaign("春季新品到店")).findings
        #expect(findings.contains { $0.message.contains("【品牌】 is added") })
        #expect(findings.contains { $0.message.contains("'回复TD退订' is added") })
        #expect(!checker.check(campaign("订单已发货", category: .transactional)).findings.contains { $0.message.contains("opt-out") })
        let empty = checker.check(campaign("x", variants: [CampaignVariant(id: "a", weight: 0, template: try MessageTemplate("y"))]))
        #expect(empty.findings.contains { $0.severity == .block && $0.message.contains("weight 0") })
        let blank = checker.check(campaign("x", variants: [CampaignVariant(id: "b", weight: 1, template: try MessageTemplate(" "))]))
        #expect(blank.findings.contains { $0.variant == "b" && $0.message.contains("empty") })
    }
}
