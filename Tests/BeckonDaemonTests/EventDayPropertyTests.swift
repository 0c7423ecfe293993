import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

/// A generated day of events (abandoned carts, viewed products, purchases) reaches the daemon the way shop exports
/// do: in files every two hours, which in the late run arrive hours late, out of order and some twice, while the
/// daemon (the real engine over a real SQLite store and inbox, on an injected clock) runs cycles at random moments.
///
/// Every event of a campaign must get exactly one message with one outcome (sent, cancelled, superseded or expired)
/// and a receipt; nothing sent twice, nothing sent after its cancelling event was known; the outcome the same as with
/// files on time whenever nothing but the lateness differs (the event still valid when its file came, no other
/// occurrence or cancelling event whose order the lateness could change); and `explain`'s prediction before every
/// cycle equal to what the cycle then records.
@Suite("A day of late, repeated and cancelled events")
struct EventDayPropertyTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let zones = ["Asia/Shanghai", "Asia/Shanghai", "Europe/Berlin"]
    static let day = LocalDate(iso: "2026-11-24")!
    static var dayStart: Date { day.start(in: shanghai) }
    /// Long enough after the day for every reminder to go, be dropped or expire (Berlin's next window included).
    static var end: Date { dayStart.addingTimeInterval(48 * 3600) }

    static let campaigns: [Campaign] = {
        func campaign(_ id: String, event: String, delayMinutes: Double, cancelledBy: Set<String>, window: String) -> Campaign {
            var campaign = Campaign(id: id, name: id, trigger: .event(EventRule(event: event, delay: delayMinutes * 60, cancelledBy: cancelledBy)),
                                    template: try! MessageTemplate("{{name}}：{{product}}"))
            campaign.policy.window = TimeWindow(parsing: window)!
            // Caps and the day's place would make outcomes depend on each other; this test is about events.
            campaign.policy.exemptFromCaps = true
            return campaign
        }
        return [
            campaign("cart", event: "cart_abandoned", delayMinutes: 180, cancelledBy: ["purchase"], window: "09:00-21:00"),
            campaign("viewed", event: "product_viewed", delayMinutes: 60, cancelledBy: ["purchase", "cart_abandoned"], window: "10:00-20:00"),
        ]
    }()

    struct Event: Hashable {
        var customer: String
        var name: String
        var at: Date
        var product: String
    }

    /// One export: the events of a two-hour span.
    struct ExportFile {
        var name: String
        var events: [Event]
        /// When it lands in the inbox on time (the end of its span) and in the late run.
        var onTime: Date
        var late: Date
        /// A second delivery in the late run: the same bytes under another name, or a re-export overlapping it.
        var again: (at: Date, sameBytes: Bool)?
    }

    struct Scenario {
        var customers: [Customer]
        var files: [ExportFile]
        var lateCycles: [Date]
    }

    static func scenario(_ seed: Int) -> Scenario {
        var rng = SplitMix(seed: UInt64(seed) &* 7919 &+ 17)
        func minutes(_ range: ClosedRange<Int>) -> TimeInterval { Double(Int.random(in: range, using: &rng)) * 60 }
        let customers = (0..<12).map { i in
            Customer(id: "C\(i)", name: "客户\(i)", phone: "+86138001380\(String(format: "%02d", i))", timeZone: zones[i % zones.count])
        }
        var events: [Event] = []
        for customer in customers {
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                let cart = dayStart.addingTimeInterval(minutes((6 * 60)...(22 * 60)))
                events.append(Event(customer: customer.id, name: "cart_abandoned", at: cart, product: "围巾"))
                // Often a purchase soon after the cart (the same export), sometimes hours later.
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: events.append(Event(customer: customer.id, name: "purchase", at: cart.addingTimeInterval(minutes(1...50)), product: ""))
                case 1: events.append(Event(customer: customer.id, name: "purchase", at: cart.addingTimeInterval(minutes(100...600)), product: ""))
                default: break
                }
            }
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                events.append(Event(customer: customer.id, name: "product_viewed", at: dayStart.addingTimeInterval(minutes((7 * 60)...(21 * 60))),
                                    product: "手套"))
            }
        }
        // Distinct instants per customer and name (the store keeps one event per customer, name and instant).
        events = Array(Dictionary(events.map { ("\($0.customer)|\($0.name)|\($0.at.timeIntervalSince1970)", $0) }, uniquingKeysWith: { a, _ in a }).values)
            .sorted { ($0.at, $0.customer, $0.name) < ($1.at, $1.customer, $1.name) }

        var files: [ExportFile] = []
        for span in stride(from: 0, to: 24, by: 2) {
            let from = dayStart.addingTimeInterval(Double(span) * 3600), to = from.addingTimeInterval(2 * 3600)
            let inSpan = events.filter { $0.at >= from && $0.at < to }
            guard !inSpan.isEmpty else { continue }
            let onTime = to.addingTimeInterval(minutes(1...10))
            var file = ExportFile(name: "events-\(String(format: "%02d", span)).csv", events: inSpan, onTime: onTime,
                                  late: onTime.addingTimeInterval(Int.random(in: 0..<3, using: &rng) == 0 ? 0 : minutes(10...(9 * 60))))
            if Int.random(in: 0..<3, using: &rng) == 0 {
                file.again = (file.late.addingTimeInterval(minutes(5...300)), Bool.random(using: &rng))
            }
            files.append(file)
        }
        var cycles: [Date] = []
        var at = dayStart.addingTimeInterval(minutes(300...400))
        while at < end {
            cycles.append(at)
            at = at.addingTimeInterval(minutes(5...150))
        }
        cycles.append(end)
        return Scenario(customers: customers, files: files, lateCycles: cycles)
    }

    static func csv(_ events: [Event]) -> String {
        "customer_id,event,at,product\n" + events.map {
            "\($0.customer),\($0.name),\(ISOInstant.format($0.at, in: shanghai)),\($0.product)\n"
        }.joined()
    }

    /// One run of the daemon over the scenario. Files are dropped in the inbox as their time comes and taken by the
    /// next cycle. Returns the final ledger rows, when each event's file was taken, the outcome files written, and
    /// every explain mismatch seen.
    struct Run {
        var rows: [MessageKey: LedgerEntry] = [:]
        var taken: [Event: Date] = [:]
        var receipts: [MessageKey: [MessageStatus]] = [:]
        var outboxFiles: [String] = []
        var mismatches: [String] = []
        var cycles = 0
    }

    static func run(_ s: Scenario, late: Bool, checkPreview: Bool) async throws -> Run {
        let home = try TemporaryHome()
        var configuration = home.configuration(campaigns: campaigns)
        configuration.stableSeconds = 0
        let store = try SQLiteStore(path: configuration.database.path)
        var result = Run()

        // Deliveries in arrival order: (when, file name, bytes, events).
        var deliveries: [(at: Date, name: String, text: String, events: [Event])] = [
            (dayStart, "members.csv", "customer_id,name,phone,timezone\n" + s.customers.map { "\($0.id),\($0.name),\($0.phone),\($0.timeZone!)\n" }.joined(), [])
        ]
        for file in s.files {
            deliveries.append((late ? file.late : file.onTime, file.name, csv(file.events), file.events))
            if late, let again = file.again {
                // The same bytes again (imported once, by content), or a re-export: the same rows and a comment-free reorder.
                let text = again.sameBytes ? csv(file.events) : csv(file.events.reversed())
                deliveries.append((again.at, "again-" + file.name, text, file.events))
            }
        }
        deliveries.sort { ($0.at, $0.name) < ($1.at, $1.name) }
        let cycles = late ? s.lateCycles : Array(stride(from: dayStart.addingTimeInterval(5 * 3600).timeIntervalSince1970,
                                                        through: end.timeIntervalSince1970, by: 1_800).map(Date.init(timeIntervalSince1970:)))
        let days = (-1...2).map { day.adding(days: $0) }
        func allRows() throws -> [MessageKey: LedgerEntry] {
            var rows: [MessageKey: LedgerEntry] = [:]
            for customer in s.customers {
                for date in days { for entry in try store.entries(customerID: customer.id, localDate: date) { rows[entry.message.key] = entry } }
            }
            return rows
        }

        // The files are written now, on the real clock: they look an hour old to the inbox, so each is taken at once.
        let fileClock = FixedClock(SystemClock().now.addingTimeInterval(3600))
        var next = deliveries[...]
        for now in cycles {
            let engine = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(now),
                                          fileClock: fileClock, logger: Logger(label: "test"))
            _ = try engine.recover()
            while let delivery = next.first, delivery.at <= now {
                try home.write(delivery.text, to: delivery.name)
                next = next.dropFirst()
                for event in delivery.events where result.taken[event] == nil { result.taken[event] = now }
            }
            // The files first, as the cycle would take them; then explain's prediction; then the cycle itself.
            _ = engine.inbox.processReadyFiles(now: now, timeZone: configuration.timeZone)
            var predicted: [MessageKey: PolicyPreviewPropertyTests.Row] = [:]
            let before = try allRows()
            if checkPreview {
                predicted = before.mapValues(PolicyPreviewPropertyTests.row)
                let preview = try PlanPreview(configuration: configuration, store: store)
                let customers = try s.customers.compactMap { try store.customer(id: $0.id) }
                for item in try preview.cycle(for: customers, at: now) {
                    guard let change = item.changes.last else { continue }
                    let status: MessageStatus = change.after == .deferred ? .scheduled : change.after
                    let sendAt = status == .scheduled ? (change.sendAt ?? item.message?.sendAt) : nil
                    predicted[item.key] = .init(status: status, reasonCode: change.after == .scheduled ? nil : change.reason?.code, sendAt: sendAt)
                }
            }
            _ = try await engine.runCycle()
            result.cycles += 1
            if checkPreview {
                let after = try allRows().mapValues(PolicyPreviewPropertyTests.row)
                for key in Set(after.keys).union(predicted.keys).sorted() where after[key] != predicted[key] {
                    result.mismatches.append("\(ISOInstant.format(now, in: shanghai)) \(key): the cycle recorded \(after[key].map(\.description) ?? "nothing"), explain predicted \(predicted[key].map(\.description) ?? "nothing")")
                }
            }
        }
        result.rows = try allRows()
        for event in try store.receiptEvents(in: DateInterval(start: dayStart.addingTimeInterval(-86_400), end: end.addingTimeInterval(86_400))) {
            result.receipts[event.key, default: []].append(event.status)
        }
        let messages = configuration.outbox.appendingPathComponent("messages")
        result.outboxFiles = (FileManager.default.enumerator(atPath: messages.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".txt") }
        return result
    }

    /// The message key an event's reminder has, and its campaign.
    static func key(of event: Event, customers: [Customer]) -> (campaign: Campaign, key: MessageKey)? {
        guard let campaign = campaigns.first(where: { if case .event(let rule) = $0.trigger { return rule.event == event.name } else { return false } }),
              case .event(let rule) = campaign.trigger,
              let zone = customers.first(where: { $0.id == event.customer })?.timeZone.flatMap(TimeZone.init(identifier:)) else { return nil }
        let fire = event.at.addingTimeInterval(rule.delay)
        let date = LocalDate(fire, in: zone)
        return (campaign, MessageKey(campaign: campaign.id, wave: Int(fire.timeIntervalSince(date.start(in: zone))), customer: event.customer, localDate: date))
    }

    static func outcome(_ entry: LedgerEntry?) -> String {
        guard let entry else { return "nothing" }
        switch entry.status {
        case .sent, .delivered: return "sent"
        case .dropped, .suppressed, .expired: return "\(entry.status.rawValue) \(entry.reasonCode ?? "-")"
        default: return entry.status.rawValue
        }
    }

    @Test("late, repeated and cancelled events: one outcome each with a receipt, as on time when only lateness differs, explain predicts every cycle",
          arguments: 0..<10)
    func generatedDay(seed: Int) async throws {
        let s = Self.scenario(seed)
        let onTime = try await Self.run(s, late: false, checkPreview: false)
        let late = try await Self.run(s, late: true, checkPreview: true)
        let context = "seed \(seed)"
        #expect(late.mismatches.isEmpty, "\(context): \(late.mismatches.prefix(5).joined(separator: "\n"))")

        let triggering = s.files.flatMap(\.events).filter { $0.name != "purchase" }
        var expectedKeys = Set<MessageKey>()
        var compared = 0
        for event in triggering {
            let (campaign, key) = try #require(Self.key(of: event, customers: s.customers))
            expectedKeys.insert(key)
            for run in [onTime, late] {
                let entry = run.rows[key]
                let outcome = Self.outcome(entry)
                // Exactly one settled outcome, with its receipt.
                #expect(["sent", "dropped cancelled", "dropped superseded", "expired past_valid_until"].contains(outcome),
                        "\(context): \(key) (\(event.name) at \(ISOInstant.format(event.at, in: Self.shanghai))) ended \(outcome)")
                if let entry {
                    #expect(run.receipts[key]?.last == entry.status, "\(context): \(key) has no receipt for \(entry.status.rawValue): \(run.receipts[key] ?? [])")
                }
                // Never sent once its cancelling event was known; never cancelled without one.
                let cancelling = campaign.trigger.cancellingEvents
                let after = s.files.flatMap(\.events).filter { $0.customer == event.customer && cancelling.contains($0.name) && $0.at > event.at }
                if outcome == "sent", let entry {
                    for cancel in after where cancel.at <= entry.updatedAt {
                        #expect(run.taken[cancel].map { $0 > entry.updatedAt } ?? true,
                                "\(context): \(key) sent at \(ISOInstant.format(entry.updatedAt, in: Self.shanghai)) though \(cancel.name) at \(ISOInstant.format(cancel.at, in: Self.shanghai)) was taken at \(run.taken[cancel].map { ISOInstant.format($0, in: Self.shanghai) } ?? "-")")
                    }
                }
                if outcome == "dropped cancelled" { #expect(!after.isEmpty, "\(context): \(key) cancelled with no cancelling event after it") }
                if outcome == "dropped superseded" {
                    #expect(triggering.contains { $0.customer == event.customer && $0.name == event.name && $0.at > event.at },
                            "\(context): \(key) superseded with no newer \(event.name)")
                }
            }
            // As on time, when only the lateness differs.
            let others = triggering.filter { $0.customer == event.customer && $0.name == event.name && $0 != event }
            let cancels = s.files.flatMap(\.events).filter { $0.customer == event.customer && campaign.trigger.cancellingEvents.contains($0.name) && $0.at > event.at }
            let sameFile = s.files.first { $0.events.contains(event) }.map { file in cancels.allSatisfy { file.events.contains($0) } } ?? false
            guard others.isEmpty, cancels.isEmpty || sameFile, let onTimeEntry = onTime.rows[key], let takenLate = late.taken[event] else { continue }
            let expected = cancels.isEmpty ? (takenLate < onTimeEntry.message.validUntil ? Self.outcome(onTimeEntry) : "expired past_valid_until")
                : Self.outcome(onTimeEntry)
            #expect(Self.outcome(late.rows[key]) == expected,
                    "\(context): \(key) ended \(Self.outcome(late.rows[key])) late (file taken \(ISOInstant.format(takenLate, in: Self.shanghai))), \(Self.outcome(onTimeEntry)) on time")
            compared += 1
        }
        for run in [onTime, late] {
            // Nothing else in the ledger, and every sent message written once.
            #expect(Set(run.rows.keys) == expectedKeys, "\(context): keys \(Set(run.rows.keys).symmetricDifference(expectedKeys).sorted())")
            let sent = run.rows.values.filter { $0.status == .sent }.count
            #expect(run.outboxFiles.count == sent, "\(context): \(run.outboxFiles.count) outbox files for \(sent) sent")
            #expect(Set(run.outboxFiles).count == run.outboxFiles.count)
        }
        #expect(compared > 0, "\(context): no event to compare with its on-time run")
    }

    @Test("a trigger file taken before the customer file that adds the customer: the event is planned when the customer arrives")
    func eventBeforeItsCustomer() async throws {
        let home = try TemporaryHome()
        var configuration = home.configuration(campaigns: Self.campaigns)
        configuration.stableSeconds = 0
        let store = try SQLiteStore(path: configuration.database.path)
        let fileClock = FixedClock(SystemClock().now.addingTimeInterval(3600))
        func cycle(at text: String) async throws -> BeckonEngine.CycleReport {
            let engine = try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(ISOInstant.parse(text, defaultZone: Self.shanghai)!),
                                          fileClock: fileClock, logger: Logger(label: "test"))
            _ = try engine.recover()
            return try await engine.runCycle()
        }
        try home.write("customer_id,name,phone\nC1,王芳,+8613800138000\n", to: "members.csv")
        _ = try await cycle(at: "2026-11-24T08:00:00+08:00")
        // A cart of a customer the store does not know yet, and one of a known customer.
        try home.write("customer_id,event,at,product\nC9,cart_abandoned,2026-11-24T09:00:00+08:00,围巾\nC1,cart_abandoned,2026-11-24T09:00:00+08:00,手套\n",
                       to: "carts.csv")
        _ = try await cycle(at: "2026-11-24T12:10:00+08:00")
        #expect(try store.entries(customerID: "C9", localDate: Self.day).isEmpty, "nobody to send to yet")
        #expect(try store.entries(customerID: "C1", localDate: Self.day).map(\.status) == [.sent])
        // The customer file that adds C9 comes an hour later: C9's reminder goes then, once.
        try home.write("customer_id,name,phone\nC9,李雷,+8613800138009\n", to: "members-2.csv")
        _ = try await cycle(at: "2026-11-24T13:10:00+08:00")
        _ = try await cycle(at: "2026-11-24T13:40:00+08:00")
        #expect(try store.entries(customerID: "C9", localDate: Self.day).map(\.status) == [.sent])
        #expect(try store.entries(customerID: "C1", localDate: Self.day).map(\.status) == [.sent], "the known customer's is not planned again")
        // Re-listing a customer who already exists revives nothing.
        try home.write("customer_id,name,phone\nC9,李雷,+8613800138009\nC1,王芳,+8613800138000\n", to: "members-3.csv")
        let again = try await cycle(at: "2026-11-24T14:00:00+08:00")
        #expect(again.planned == 0 && again.alreadyPlanned == 0)
    }

    @Test("the scenarios reach every outcome: sent, cancelled, superseded, expired, and late files that still send")
    func coverage() async throws {
        var outcomes: [String: Int] = [:]
        for seed in 0..<4 {
            let late = try await Self.run(Self.scenario(seed), late: true, checkPreview: false)
            for entry in late.rows.values { outcomes[Self.outcome(entry), default: 0] += 1 }
        }
        for outcome in ["sent", "dropped cancelled", "dropped superseded", "expired past_valid_until"] {
            #expect(outcomes[outcome, default: 0] > 0, "\(outcomes)")
        }
    }
}
