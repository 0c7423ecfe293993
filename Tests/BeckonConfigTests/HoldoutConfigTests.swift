import BeckonCore
import Foundation
import Testing
@testable import BeckonConfig

@Suite("Configuration: policy.holdout and campaign control groups")
struct HoldoutConfigTests {
    func node(_ yaml: String, file: String = "etc/beckon.yaml") throws -> ConfigNode { try ConfigNode.parse(yaml, file: file) }

    @Test("holdout and its salt are read; shares with up to two decimals are exact", arguments: [
        ("5%", 500), ("2.5%", 250), ("0.25%", 25), ("50%", 5_000), ("0%", 0), ("12.05%", 1_205),
    ])
    func shares(text: String, basisPoints: Int) throws {
        let policy = try node("holdout: \(text)\nholdout_salt: \"2026-h1\"\n").deliveryPolicy()
        #expect(policy.holdout?.basisPoints == (basisPoints == 0 ? nil : basisPoints))
        if basisPoints > 0 { #expect(policy.holdout?.salt == "2026-h1") }
    }

    @Test("no holdout by default; the default salt when none is given")
    func defaults() throws {
        #expect(try node("daily_limit: 1\n").deliveryPolicy().holdout == nil)
        #expect(try node("holdout: 5%\n").deliveryPolicy().holdout?.salt == Holdout.defaultGlobalSalt)
    }

    @Test("bad shares are refused naming file, line and key", arguments: [
        "60%", "50.01%", "5", "-1%", "5.125%", "five%", "%", "1e1%",
    ])
    func refused(text: String) throws {
        let root = ConfigNode(node: try node("daily_limit: 1\nholdout: \"\(text)\"\n").node, file: "etc/beckon.yaml", path: "policy")
        let error = try #require(throws: ConfigError.self) { try root.deliveryPolicy() }
        #expect(error.file == "etc/beckon.yaml")
        #expect(error.line == 2)
        #expect(error.key == "policy.holdout")
        #expect("\(error)".contains("etc/beckon.yaml"))
    }

    @Test("an empty salt is refused")
    func emptySalt() throws {
        let error = try #require(throws: ConfigError.self) { try node("holdout: 5%\nholdout_salt: \"\"\n").deliveryPolicy() }
        #expect(error.key == "holdout_salt")
    }

    @Test("a campaign's control and control_salt; the default salt is derived from the campaign id")
    func campaignControl() throws {
        let campaign = try CampaignLoader.parse(node("id: recall\ntrigger: { kind: birthday }\ntemplate: hi\ncontrol: 10%\n", file: "etc/campaigns/recall.yaml"))
        #expect(campaign.control == HoldoutGroup(basisPoints: 1_000, salt: "control:recall"))
        let salted = try CampaignLoader.parse(node("id: recall\ntrigger: { kind: birthday }\ntemplate: hi\ncontrol: 7.5%\ncontrol_salt: spring\n"))
        #expect(salted.control == HoldoutGroup(basisPoints: 750, salt: "spring"))
        #expect(try CampaignLoader.parse(node("id: recall\ntrigger: { kind: birthday }\ntemplate: hi\n")).control == nil)
    }

    @Test("a campaign's bad control and a transactional control are refused with file, line and key")
    func campaignRefused() throws {
        let file = "etc/campaigns/recall.yaml"
        let tooBig = try #require(throws: ConfigError.self) {
            try CampaignLoader.parse(node("id: recall\ntrigger: { kind: birthday }\ntemplate: hi\ncontrol: 80%\n", file: file))
        }
        #expect(tooBig.file == file && tooBig.key == "control" && tooBig.line == 4)
        let transactional = try #require(throws: ConfigError.self) {
            try CampaignLoader.parse(node("id: receipt\ncategory: transactional\ntrigger: { kind: birthday }\ntemplate: hi\ncontrol: 5%\n", file: file))
        }
        #expect(transactional.key == "control")
        #expect(transactional.message.contains("never held out"))
    }
}
