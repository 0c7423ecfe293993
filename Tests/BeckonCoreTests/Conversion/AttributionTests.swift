import BeckonCore
import Foundation
import Testing

@Suite("Attribution: which delivered message a conversion is credited to")
struct AttributionTests {
    static let start = Date(timeIntervalSince1970: 1_793_000_000)
    static let day: TimeInterval = 86_400

    static func at(days: Double) -> Date { start.addingTimeInterval(days * day) }

    static func message(_ key: String, campaign: String = "winback", variant: String = "a", days: Double) -> Attribution.Message {
        Attribution.Message(key: key, campaign: campaign, variant: variant, deliveredAt: at(days: days))
    }

    static func order(days: Double, amount: Double = 100) -> Conversion {
        Conversion(customerID: "C1", occurredAt: at(days: days), kind: "order", amount: amount)
    }

    static func credit(_ conversions: [Conversion], _ messages: [Attribution.Message], clicks: [Attribution.Click] = [],
                       windows: Attribution.Windows = Attribution.Windows()) -> [Attribution.Credit] {
        Attribution.credit(conversions: conversions, messages: messages, clicks: clicks, windows: windows)
    }

    @Test("with the default 7 days, an order 6 days after delivery is credited, one 8 days after is not", arguments: [
        (6.0, true), (7.0, true), (7.01, false), (8.0, false),
    ])
    func window(days: Double, credited: Bool) {
        let credits = Self.credit([Self.order(days: days)], [Self.message("M1", days: 0)])
        #expect(credits.map(\.messageKey) == (credited ? ["M1"] : []))
    }

    @Test("a conversion before the message, or at the very instant it was delivered, is not credited to it")
    func notBefore() {
        #expect(Self.credit([Self.order(days: -1), Self.order(days: 0)], [Self.message("M1", days: 0)]).isEmpty)
    }

    @Test("a campaign's attribution_days is its own window; another campaign keeps the default")
    func perCampaignWindow() {
        let windows = Attribution.Windows(days: ["winback": 30])
        let credits = Self.credit([Self.order(days: 20)],
                                  [Self.message("W1", campaign: "winback", days: 0), Self.message("B1", campaign: "birthday", days: 0)],
                                  windows: windows)
        #expect(credits.map(\.campaign) == ["winback"])
        #expect(windows.seconds(for: "birthday") == 7 * Self.day)
        #expect(windows.longestSeconds == 30 * Self.day)
    }

    @Test("the last delivered message of the campaign before the conversion wins over an earlier one")
    func lastMessageWins() {
        let credits = Self.credit([Self.order(days: 4)],
                                  [Self.message("M1", variant: "a", days: 0), Self.message("M2", variant: "b", days: 3),
                                   Self.message("M3", variant: "a", days: 5)])
        #expect(credits.map(\.messageKey) == ["M2"])
        #expect(credits.first?.variant == "b")
    }

    @Test("a newer message outside the window does not hand the conversion back to an older one")
    func lastMessageOutsideWindow() {
        // M2 is the last message before the order; it is 8 days old, so nothing is credited (not M1 either).
        #expect(Self.credit([Self.order(days: 18)], [Self.message("M1", days: 0), Self.message("M2", days: 10)]).isEmpty)
    }

    @Test("a person's click on the message before the conversion makes it click-through; none, view-through")
    func clickOrView() {
        let messages = [Self.message("M1", days: 0)]
        let clicked = Self.credit([Self.order(days: 2)], messages, clicks: [Attribution.Click(messageKey: "M1", at: Self.at(days: 1), bot: false)])
        #expect(clicked.map(\.through) == [.click])
        let viewed = Self.credit([Self.order(days: 2)], messages)
        #expect(viewed.map(\.through) == [.view])
    }

    @Test("a bot's click, a click after the conversion, or a click on another message is not click-through")
    func clicksThatDoNotCount() {
        let messages = [Self.message("M1", days: 0), Self.message("B1", campaign: "birthday", days: 0)]
        let clicks = [
            Attribution.Click(messageKey: "M1", at: Self.at(days: 0.0001), bot: true),
            Attribution.Click(messageKey: "M1", at: Self.at(days: 3), bot: false),
            Attribution.Click(messageKey: "B1", at: Self.at(days: 1), bot: false),
        ]
        let credits = Self.credit([Self.order(days: 2)], messages, clicks: clicks)
        #expect(credits.first { $0.campaign == "winback" }?.through == .view)
        #expect(credits.first { $0.campaign == "birthday" }?.through == .click)
    }

    @Test("a second order inside the same window is credited for its revenue but is not a second conversion")
    func onePerWindow() {
        let credits = Self.credit([Self.order(days: 1, amount: 80), Self.order(days: 3, amount: 20)], [Self.message("M1", days: 0)])
        #expect(credits.map(\.counts) == [true, false])
        #expect(credits.filter { $0.counts }.count == 1)
        #expect(credits.map(\.amount).reduce(0, +) == 100)
    }

    @Test("an order after the next message of the campaign is that message's conversion: a new window")
    func newWindowNewConversion() {
        let credits = Self.credit([Self.order(days: 1), Self.order(days: 6)], [Self.message("M1", days: 0), Self.message("M2", days: 5)])
        #expect(credits.map(\.messageKey) == ["M1", "M2"])
        #expect(credits.map(\.counts) == [true, true])
    }

    @Test("the counted conversion is the earliest one, whatever order the rows come in")
    func earliestCounts() throws {
        let credits = Self.credit([Self.order(days: 3, amount: 20), Self.order(days: 1, amount: 80)], [Self.message("M1", days: 0)])
        let counted = try #require(credits.first { $0.counts })
        #expect(counted.conversion == 1 && counted.amount == 80)
    }

    @Test("one conversion is credited to each campaign whose last message covers it, each to its own message")
    func severalCampaigns() {
        let credits = Self.credit([Self.order(days: 2)],
                                  [Self.message("W1", campaign: "winback", days: 1), Self.message("B1", campaign: "birthday", days: 0.5)])
        #expect(Set(credits.map(\.messageKey)) == ["W1", "B1"])
        #expect(credits.allSatisfy { $0.counts })
    }

    @Test("a customer with no delivered message gets no credit")
    func nothingDelivered() {
        #expect(Self.credit([Self.order(days: 1)], []).isEmpty)
    }

    @Test("windows come from each campaign's attribution_days")
    func windowsFromCampaigns() throws {
        var campaign = Campaign(id: "winback", name: "Winback", trigger: .birthday(BirthdayRule()), template: try MessageTemplate("hi"))
        campaign.attributionDays = 14
        #expect(Attribution.Windows(campaigns: [campaign]).seconds(for: "winback") == 14 * Self.day)
    }
}
