import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: a campaign's attribution_days and inbox.conversion_kinds")
struct ConversionConfigTests {
    static let file = "etc/campaigns/winback.yaml"
    static let campaign = "id: winback\ntrigger: { kind: birthday }\ntemplate: hi\n"

    func parse(_ yaml: String) throws -> Campaign { try CampaignLoader.parse(ConfigNode.parse(yaml, file: Self.file)) }

    @Test("attribution_days is read, 7 when absent")
    func attributionDays() throws {
        #expect(try parse(Self.campaign).attributionDays == 7)
        #expect(try parse(Self.campaign + "attribution_days: 1\n").attributionDays == 1)
        #expect(try parse(Self.campaign + "attribution_days: 90\n").attributionDays == 90)
    }

    @Test("attribution_days outside 1-90, or not a whole number, is refused with file, line and key", arguments: ["0", "91", "-3", "seven", "7.5"])
    func attributionDaysRefused(value: String) throws {
        let error = try #require(throws: ConfigError.self) { try parse(Self.campaign + "attribution_days: \(value)\n") }
        #expect(error.file == Self.file && error.line == 4 && error.key == "attribution_days")
    }

    @Test("inbox.conversion_kinds is read lower-cased; an empty list or an empty kind is refused")
    func conversionKinds() throws {
        let section = try InboxSection.parse(ConfigNode.parse("inbox:\n  conversion_kinds: [Order, visit]\n", file: "etc/beckon.yaml").mapping()
            .first { $0.key == "inbox" }?.value)
        #expect(section.conversionKinds == ["order", "visit"])
        #expect(try InboxSection.parse(nil).conversionKinds == nil)
        for yaml in ["inbox:\n  conversion_kinds: []\n", "inbox:\n  conversion_kinds: [order, \"\"]\n"] {
            let error = try #require(throws: ConfigError.self) {
                try InboxSection.parse(ConfigNode.parse(yaml, file: "etc/beckon.yaml").mapping().first { $0.key == "inbox" }?.value)
            }
            #expect(error.key.hasPrefix("inbox.conversion_kinds"), "\(error)")
        }
    }
}
