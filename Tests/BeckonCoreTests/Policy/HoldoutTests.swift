import BeckonCore
import Foundation
import Testing

/// Global holdout and per-campaign control groups: who is kept from messages, deterministically.
@Suite("Holdout and control groups")
struct HoldoutTests {
    static let ids = (0..<100_000).map { "C\($0)" }

    static func share(_ group: HoldoutGroup, of ids: [String] = ids) -> Double {
        Double(ids.filter(group.contains).count) / Double(ids.count)
    }

    @Test("the bucket is SHA-256 of the salt and the id, computed the same by another process (sha256sum)")
    func sameAcrossProcesses() throws {
        for (salt, customer) in [("2026-h1", "C42"), ("control:recall", "李雷-7"), (Holdout.defaultGlobalSalt, "0001")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sha256sum"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data("beckon-holdout\u{0}\(salt)\u{0}\(customer)".utf8))
            try input.fileHandleForWriting.close()
            let hex = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(16)
            process.waitUntilExit()
            let value = try #require(UInt64(hex, radix: 16))
            #expect(HoldoutGroup.bucket(salt: salt, customer: customer) == Int(value % 10_000))
            // And again in this process: nothing depends on a per-process seed or on call order.
            #expect(HoldoutGroup.bucket(salt: salt, customer: customer) == HoldoutGroup.bucket(salt: salt, customer: customer))
        }
    }

    @Test("shares over 100,000 ids are within 0.5 points of the configured one", arguments: [100, 500, 1_000, 2_500, 5_000])
    func shares(basisPoints: Int) {
        let expected = Double(basisPoints) / 10_000
        let measured = Self.share(HoldoutGroup(basisPoints: basisPoints, salt: "s1"))
        #expect(abs(measured - expected) < 0.005, "measured \(measured), expected \(expected)")
    }

    @Test("rotating the salt re-draws: about p of the old group stays in, about p of the rest comes in")
    func rotation() {
        let old = HoldoutGroup(basisPoints: 500, salt: "2026-h1"), new = HoldoutGroup(basisPoints: 500, salt: "2026-h2")
        let before = Self.ids.filter(old.contains), rest = Self.ids.filter { !old.contains($0) }
        let stayed = Self.share(new, of: before), entered = Self.share(new, of: rest)
        // Independent draws: each is 5% (standard error 0.31 points in the ~5,000 old members).
        #expect(abs(stayed - 0.05) < 0.015, "stayed \(stayed)")
        #expect(abs(entered - 0.05) < 0.005, "entered \(entered)")
        // Without a rotation nothing moves.
        #expect(before == Self.ids.filter(HoldoutGroup(basisPoints: 500, salt: "2026-h1").contains))
    }

    @Test("a larger share keeps everyone who was in; 0 holds out nobody")
    func growing() {
        let five = HoldoutGroup(basisPoints: 500, salt: "s"), six = HoldoutGroup(basisPoints: 600, salt: "s")
        #expect(Self.ids.filter(five.contains).allSatisfy(six.contains))
        #expect(!Self.ids.contains(where: HoldoutGroup(basisPoints: 0, salt: "s").contains))
    }

    static func campaign(_ id: String, priority: Int = 1, category: MessageCategory = .marketing, control: Int? = nil) -> Campaign {
        var campaign = Campaign(id: id, name: id, category: category, priority: priority, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate("【Beckon】\(id)"))
        campaign.policy.window = T.window("10:00-11:00")
        campaign.control = control.map { HoldoutGroup(basisPoints: $0, salt: Holdout.defaultControlSalt(campaign: id)) }
        return campaign
    }

    @Test("global holdout and a campaign control: global first, control drawn independently, transactional never")
    func interplay() {
        let global = HoldoutGroup(basisPoints: 500, salt: Holdout.defaultGlobalSalt)
        let recall = Self.campaign("recall", control: 1_000), receipt = Self.campaign("receipt", category: .transactional)
        var counts: [Holdout.Group?: Int] = [:]
        for id in Self.ids {
            let group = Holdout.group(of: id, campaign: recall, global: global)
            counts[group, default: 0] += 1
            #expect(Holdout.group(of: id, campaign: receipt, global: global) == nil)
            if global.contains(id) { #expect(group == .global) }
        }
        let n = Double(Self.ids.count)
        #expect(abs(Double(counts[.global] ?? 0) / n - 0.05) < 0.005)
        // The control is 10% of everyone; the globally held out among them are counted as global: 9.5% remain.
        #expect(abs(Double(counts[.control] ?? 0) / n - 0.095) < 0.005)
        // Independent: the control's share among the globally held out is also about 10%.
        let globalIDs = Self.ids.filter(global.contains)
        #expect(abs(Self.share(recall.control!, of: globalIDs) - 0.10) < 0.02)
    }

    static let now = T.at("2026-11-24T10:59:59+08:00")
    static let window = DateInterval(start: T.at("2026-11-24T00:00:00+08:00"), end: now)

    static func customers(_ count: Int) -> [Customer] {
        (0..<count).map { Customer(id: "C\($0)", name: "王芳", phone: "+86138\(String(format: "%08d", $0))", birthday: T.day("1990-11-24")) }
    }

    @Test("through a whole cycle: held-out customers get a suppressed held_out row, the rest are sent; the row has key, variant, send time")
    func cycle() throws {
        var recall = Self.campaign("recall", control: 1_000)
        recall.variants = [CampaignVariant(id: "a", weight: 1, template: try MessageTemplate("【Beckon】a")),
                           CampaignVariant(id: "b", weight: 1, template: try MessageTemplate("【Beckon】b"))]
        var policy = DeliveryPolicy()
        policy.holdout = HoldoutGroup(basisPoints: 500, salt: "g")
        let cycle = PolicyCycle(campaigns: [recall], defaultTimeZone: T.shanghai, calendar: CalendarContext(), policy: policy)
        var ledger = PolicyLedger()
        let customers = Self.customers(2_000)
        _ = cycle.run(customers: customers, window: Self.window, now: Self.now, suppressions: [], ledger: &ledger)
        var heldGlobal = 0, heldControl = 0
        for customer in customers {
            let row = try #require(ledger[MessageKey(campaign: "recall", wave: 0, customer: customer.id, localDate: T.day("2026-11-24"))])
            switch Holdout.group(of: customer.id, campaign: recall, global: policy.holdout) {
            case .global?:
                heldGlobal += 1
                #expect(row.status == .suppressed && row.reasonCode == "held_out")
            case .control?:
                heldControl += 1
                #expect(row.status == .suppressed && row.reasonCode == "held_out_control")
            case nil:
                #expect(row.status == .sent)
            }
            #expect(row.message.variant != nil)
            #expect(row.message.sendAt >= T.at("2026-11-24T10:00:00+08:00"))
        }
        #expect(heldGlobal > 50 && heldControl > 100, "global \(heldGlobal), control \(heldControl) of 2,000")
    }

    @Test("a held-out message takes neither the day nor a cap: the lower-priority campaign is sent")
    func heldOutCountsForNothing() throws {
        // Customers in `high`'s control (50%), found by the rule itself, not listed by hand.
        let high = Self.campaign("high", priority: 10, control: 5_000), low = Self.campaign("low", priority: 1)
        let controlled = Self.customers(40).filter { high.control!.contains($0.id) }
        try #require(!controlled.isEmpty)
        var policy = DeliveryPolicy(dailyLimit: 1)
        policy.caps = FrequencyCaps(rules: [.marketing: [CapRule(max: 1, days: 7)]])
        let cycle = PolicyCycle(campaigns: [high, low], defaultTimeZone: T.shanghai, calendar: CalendarContext(), policy: policy)
        var ledger = PolicyLedger()
        _ = cycle.run(customers: controlled, window: Self.window, now: Self.now, suppressions: [], ledger: &ledger)
        for customer in controlled {
            let day = T.day("2026-11-24")
            #expect(ledger[MessageKey(campaign: "high", wave: 0, customer: customer.id, localDate: day)]?.reasonCode == "held_out_control")
            #expect(ledger[MessageKey(campaign: "low", wave: 0, customer: customer.id, localDate: day)]?.status == .sent)
        }
    }

    @Test("an opted-out customer in the control keeps the opt-out as the reason (excluded from both groups alike)")
    func optOutFirst() {
        let recall = Self.campaign("recall", control: 5_000)
        let customer = Self.customers(40).first { recall.control!.contains($0.id) }!
        let planner = Planner(campaigns: [recall], defaultTimeZone: T.shanghai, calendar: CalendarContext())
        let optOut = Suppression(customerID: customer.id, source: .optOutReply, detail: "TD", at: Self.now.addingTimeInterval(-86_400))
        let decision = planner.decide(recall, customer, T.dayOccurrence("2026-11-24"), zone: T.shanghai, suppressions: [optOut], now: Self.now)
        #expect(decision.verdict.reason?.code == "opted_out")
        let held = planner.decide(recall, customer, T.dayOccurrence("2026-11-24"), zone: T.shanghai, suppressions: [], now: Self.now)
        #expect(held.verdict.reason?.code == "held_out_control")
        #expect(held.verdict.reason?.detail.contains("control group of recall") == true)
    }

    @Test("the send gate holds out a message planned before the control group existed")
    func gateHoldsOutScheduled() throws {
        let recall = Self.campaign("recall", control: 5_000)
        let customer = Self.customers(40).first { recall.control!.contains($0.id) }!
        let gate = SendGate(policy: DeliveryPolicy(), campaigns: [recall])
        let message = T.message("recall", customer: customer.id, sendAt: T.at("2026-11-24T10:00:00+08:00"), validUntil: T.at("2026-11-25T00:00:00+08:00"))
        let recipient = SendGate.Recipient(id: customer.id, phone: customer.phone, tier: nil, zone: T.shanghai)
        let review = gate.review([message], for: recipient, book: [CapRecord(message)], suppressions: [], now: Self.now)
        #expect(review.decided[message.key]?.status == .suppressed)
        #expect(review.decided[message.key]?.reason?.code == "held_out_control")
    }

    @Test("after downtime a control customer keeps one held-out row, like the one message of the others; the rest are superseded")
    func catchUp() throws {
        let zone = T.shanghai
        var campaign = Campaign(id: "hourly", name: "hourly", trigger: .cron(CronRule(expression: try CronExpression("0 * * * *"))),
                                template: try MessageTemplate("hi"))
        campaign.policy.window = T.window("00:00-23:59")
        campaign.policy.spread = false
        campaign.control = HoldoutGroup(basisPoints: 5_000, salt: "c")
        let now = T.at("2026-11-24T13:30:00+08:00")
        let planner = Planner(campaigns: [campaign], defaultTimeZone: zone, calendar: CalendarContext(), policy: DeliveryPolicy(defaultQuietHours: nil))
        let customers = Self.customers(20)
        let result = planner.plan(customers: customers, window: DateInterval(start: now.addingTimeInterval(-3 * 3600), end: now), now: now)
        for customer in customers {
            let sent = result.messages.filter { $0.key.customer == customer.id }
            let codes = result.decisions.filter { $0.customer == customer.id }.map { $0.verdict.reason?.code ?? "" }.sorted()
            if campaign.control!.contains(customer.id) {
                #expect(sent.isEmpty)
                #expect(codes == ["held_out_control", "superseded", "superseded"])
            } else {
                #expect(sent.count == 1)
                #expect(codes == ["superseded", "superseded"])
            }
        }
    }

    @Test("shares are written back as people write them", arguments: [(500, "5%"), (250, "2.5%"), (25, "0.25%"), (1_005, "10.05%")])
    func percentText(basisPoints: Int, text: String) {
        #expect(HoldoutGroup.percentText(basisPoints) == text)
    }
}
