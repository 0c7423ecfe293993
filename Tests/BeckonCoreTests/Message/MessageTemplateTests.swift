import BeckonCore
import Foundation
import Testing

@Suite("Templates, composition and variants")
struct MessageTemplateTests {
    @Test("fields, fallbacks and filters render", arguments: [
        ("{{name}}，您好", ["name": "王芳"], "王芳，您好"),
        ("{{name | default: \"亲爱的会员\"}}", [:], "亲爱的会员"),
        ("{{name | default: \"亲爱的会员\"}}", ["name": ""], "亲爱的会员"),
        ("{{expires_on | date: \"M月d日\"}}到期", ["expires_on": "2026-03-05"], "3月5日到期"),
        ("{{expires_on | date: \"yyyy/MM/dd\"}}", ["expires_on": "2026-03-05"], "2026/03/05"),
        ("{{code | upper}}-{{code | lower}}", ["code": "Vip9"], "VIP9-vip9"),
        ("{{product | truncate: 4}}", ["product": "超长的商品名称"], "超长的商"),
        ("{{total | number: 2}}", ["total": "1234.5"], "1,234.50"),
        ("{{total | currency: \"¥\"}}", ["total": "1234567"], "¥1,234,567.00"),
        ("{{ surname }}女士", ["surname": "王"], "王女士"),
        ("{{coupon | default: \"无\" | upper}}", ["coupon": "abc"], "ABC"),
        ("{{x | default: \"a|b\"}}", [:], "a|b"),
    ])
    func renders(source: String, values: [String: String], expected: String) throws {
        #expect(try MessageTemplate(source).render(values) == expected)
    }

    @Test("customer data is inserted as text: template syntax in a value is never evaluated")
    func injection() throws {
        let template = try MessageTemplate("Hi {{name}}, {{coupon | default: \"none\"}}")
        #expect(try template.render(["name": "{{coupon}}", "coupon": "X"]) == "Hi {{coupon}}, X")
        #expect(try template.render(["name": "{{name | upper}}}}{{"]) == "Hi {{name | upper}}}}{{, none")
    }

    @Test("a missing field without a fallback is an error, never an empty gap")
    func missingField() throws {
        #expect(throws: TemplateError.missingField("coupon")) { try MessageTemplate("码{{coupon}}").render([:]) }
        #expect(try MessageTemplate("{{a}}{{b | default: \"x\"}}").requiredFields == ["a"])
    }

    @Test("malformed templates say where", arguments: [
        ("Hi {{name", "never closed"), ("{{}}", "empty placeholder"), ("{{name | shout}}", "unknown filter 'shout'"),
        ("{{d | date: M}}", "needs a quoted argument"), ("{{p | truncate: x}}", "needs a whole number"), ("{{a b}}", "not a field name"),
        ("{{name || upper}}", "filter name is missing"), ("{{name | : \"x\"}}", "filter name is missing"), ("{{name |}}", "filter name is missing"),
    ])
    func malformed(source: String, message: String) {
        do {
            _ = try MessageTemplate(source)
            Issue.record("expected an error for \(source)")
        } catch {
            #expect(error.description.contains(message))
        }
    }

    @Test("bad values for typed filters are reported with the field")
    func badValues() {
        #expect(throws: TemplateError.self) { try MessageTemplate("{{d | date: \"M月d日\"}}").render(["d": "soon"]) }
        #expect(throws: TemplateError.self) { try MessageTemplate("{{n | number: 2}}").render(["n": "many"]) }
    }

    func campaign(_ category: MessageCategory = .marketing, template: String = "{{name}}，会员日全场八折") -> Campaign {
        Campaign(id: "c", name: "c", category: category, trigger: .birthday(BirthdayRule()), template: try! MessageTemplate(template))
    }

    @Test("the signature goes first and the opt-out line last, only when missing; transactional omits the opt-out")
    func compliance() throws {
        let zh = MessageComposer(content: ContentPolicy(brand: "品牌"))
        #expect(try zh.compose(campaign(), values: ["name": "王芳"]).text == "【品牌】王芳，会员日全场八折回复TD退订")
        #expect(try zh.compose(campaign(template: "【品牌】{{name}}，回复TD退订"), values: ["name": "王芳"]).text == "【品牌】王芳，回复TD退订")
        #expect(try zh.compose(campaign(.transactional, template: "您的订单已发货"), values: [:]).text == "【品牌】您的订单已发货")
        let en = MessageComposer(content: ContentPolicy(brand: "Brand", locale: .en))
        #expect(try en.compose(campaign(template: "Hi {{name}}, 20% off today."), values: ["name": "Ann"]).text
                == "Brand: Hi Ann, 20% off today. Reply STOP to opt out")
    }

    @Test("the short link placeholder inserts the configured link")
    func shortLink() throws {
        let composer = MessageComposer(content: ContentPolicy(brand: "B", shortLink: "https://b.cn/x"))
        #expect(try composer.compose(campaign(template: "看看{{short_link}}"), values: [:]).text == "【B】看看https://b.cn/x回复TD退订")
    }

    @Test("variant assignment is stable and close to its weights over 100,000 customers")
    func variants() throws {
        let variants = [
            CampaignVariant(id: "a", weight: 70, template: try MessageTemplate("A")),
            CampaignVariant(id: "b", weight: 20, template: try MessageTemplate("B")),
            CampaignVariant(id: "c", weight: 10, template: try MessageTemplate("C")),
            CampaignVariant(id: "off", weight: 0, template: try MessageTemplate("never")),
        ]
        var counts: [String: Int] = [:]
        for i in 0..<100_000 {
            counts[VariantAssignment.pick(variants, campaign: "spring", customer: "C\(i)")!.id, default: 0] += 1
        }
        #expect(abs(counts["a", default: 0] - 70_000) < 1_000)
        #expect(abs(counts["b", default: 0] - 20_000) < 800)
        #expect(abs(counts["c", default: 0] - 10_000) < 600)
        #expect(counts["off"] == nil)
        // Stable: a known customer's variant is fixed forever (receipts are compared on it later).
        let first = VariantAssignment.pick(variants, campaign: "spring", customer: "C42")!.id
        #expect((0..<10).allSatisfy { _ in VariantAssignment.pick(variants, campaign: "spring", customer: "C42")!.id == first })
        #expect(VariantAssignment.pick([], campaign: "spring", customer: "C42") == nil)
    }
}
