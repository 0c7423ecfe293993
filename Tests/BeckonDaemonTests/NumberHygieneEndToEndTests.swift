import BeckonConfig
import BeckonCore
@testable import BeckonDispatch
import BeckonServer
import BeckonStore
import Foundation
import Logging
import Prometheus
import Testing
@testable import BeckonDaemon

@Suite("End to end: a hard-failed number through real delivery reports is suppressed before the next campaign")
struct NumberHygieneEndToEndTests {
    static let token = "0123456789abcdef0123456789abcdef"
    static let firstDay = ISOInstant.parse("2026-11-24T10:59:59+08:00", defaultZone: .gmt)!
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    static var campaign: Campaign {
        var campaign = Campaign(id: "recall", name: "recall", category: .marketing, priority: 5,
                                trigger: .cron(CronRule(expression: try! CronExpression("30 10 * * *"))),
                                template: try! MessageTemplate("【Beckon】{{name}}，好久不见"))
        campaign.policy.window = TimeWindow(parsing: "10:00-11:00")!
        return campaign
    }

    func engine(_ configuration: BeckonConfiguration, store: SQLiteStore, at instant: Date) throws -> BeckonEngine {
        try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                         fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
    }

    /// Calls the dlr-url as Kannel does (its escapes substituted) on a live server on loopback.
    func report(_ answer: String, for key: MessageKey, store: SQLiteStore, at instant: Date) async throws -> String {
        let server = BeckonHTTPServer(settings: .init(port: 0, token: Self.token, endpoints: [ReportEndpoint(channel: "kannel", dialect: .kannel)]),
                                      store: store, registry: PrometheusCollectorRegistry(), clock: FixedClock(instant), logger: Logger(label: "test"))
        let ready = AsyncStream<Int>.makeStream()
        let serverTask = Task { try await server.application(onServerRunning: { ready.continuation.yield($0) }).run() }
        defer { serverTask.cancel() }
        var port = 0
        for await bound in ready.stream { port = bound; break }
        let kannel = KannelChannel(id: "kannel", settings: .init(
            sendsmsURL: URL(string: "http://127.0.0.1:9/cgi-bin/sendsms")!, username: "u", password: "p",
            dlrBaseURL: URL(string: "http://127.0.0.1:\(port)/dlr/kannel")!, references: DeliveryReference(token: Self.token)))
        let escaped = answer.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let url = kannel.dlrURL(for: key)!.replacingOccurrences(of: "%d", with: "2").replacingOccurrences(of: "%A", with: escaped)
            .replacingOccurrences(of: "%F", with: "smsc-\(key.customer)")
        let response = try await GatewayHTTPClient.send(.GET, to: url, timeout: 10)
        return String(decoding: response.body, as: UTF8.self)
    }

    @Test("invalid (0x0b) is skipped by the next day's plan with its class, code and date; suspended once and content-blocked are not; the monthly report lists it; it lapses after 90 days; a new number is not held back")
    func suppressedBeforeNextCampaign() async throws {
        let home = try TemporaryHome()
        try home.write("customer_id,name,phone\nC0,王芳,13800000000\nC1,李娜,13800000001\nC2,张伟,13800000002\n", to: "customers.csv")
        let configuration = home.configuration(campaigns: [Self.campaign])
        let store = try SQLiteStore(path: configuration.database.path)
        // The first run evaluates only its own moment: one before 10:30, one after.
        _ = try await engine(configuration, store: store, at: Self.firstDay.addingTimeInterval(-31 * 60)).runCycle()
        let first = try await engine(configuration, store: store, at: Self.firstDay).runCycle()
        #expect(first.dispatch.sent == 3)

        let day1 = LocalDate(iso: "2026-11-24")!
        func key(_ customer: String, _ day: LocalDate) -> MessageKey { MessageKey(campaign: "recall", wave: 0, customer: customer, localDate: day) }
        let reportedAt = Self.firstDay.addingTimeInterval(60)
        #expect(try await report("NACK/0x0b/Invalid Destination Address", for: key("C0", day1), store: store, at: reportedAt) == "applied\n")
        #expect(try await report("id:1 sub:001 dlvrd:000 submit date:2611241031 done date:2611241032 stat:MK:0005 err:000 text:",
                                 for: key("C1", day1), store: store, at: reportedAt) == "applied\n")
        #expect(try await report("KEYWORD", for: key("C2", day1), store: store, at: reportedAt) == "applied\n")

        // The next campaign day: the plan skips C0 with the reason; the others go.
        let day2 = LocalDate(iso: "2026-11-25")!
        let second = try await engine(configuration, store: store, at: Self.firstDay.addingTimeInterval(86_400)).runCycle()
        #expect(second.dispatch.sent == 2)
        let skipped = try #require(try store.entry(for: key("C0", day2)))
        #expect(skipped.status == .suppressed)
        #expect(skipped.reasonCode == "hard_failed_number")
        #expect(try store.entry(for: key("C1", day2))?.status == .sent)
        #expect(try store.entry(for: key("C2", day2))?.status == .sent)
        #expect(!home.files(under: "outbox/messages").contains("2026-11-25/recall_0_C0.txt"))

        // What `explain` reads: the class, the code and the date.
        let preview = try PlanPreview(configuration: configuration, store: store)
        let c0 = try #require(try store.customer(id: "C0"))
        let decisions = try preview.occurrences(of: c0, on: LocalDate(iso: "2026-11-26")!, now: Self.firstDay.addingTimeInterval(2 * 86_400 - 3600))
        guard case .suppressed(let reason) = try #require(decisions.first).verdict else { Issue.record("not suppressed: \(decisions)"); return }
        #expect(reason.code == "hard_failed_number")
        // The example in docs/hygiene.md.
        #expect(reason.detail == "number hygiene: invalid since 2026-11-24T03:00:59Z: code 2 NACK/0x0b/Invalid Destination Address on channel kannel"
                + " for recall/0/C0/2026-11-24; re-checked from 2027-02-22T03:00:59Z", "\(reason.detail)")

        // The content block is counted against the campaign, not the number.
        #expect(try store.contentBlocks(since: Self.firstDay).map { "\($0.campaign):\($0.count)" } == ["recall:1"])
        let status = try StatusReport.gather(configuration: .success(configuration), configFile: home.root.appendingPathComponent("etc/beckon.yaml"),
                                             database: configuration.database, timeZone: Self.shanghai, store: store,
                                             now: Self.firstDay.addingTimeInterval(86_400))
        #expect(status.contentBlocked.map { "\($0.campaign):\($0.count):\($0.lastCode)" } == ["recall:1:2 KEYWORD"])  // Kannel: report type, then the answer

        // The monthly report: November lists the suppression and the content block, February the lapse.
        let november = try #require(try HygieneReportBuilder.report(month: "2026-11", zone: Self.shanghai, store: store))
        #expect(november.suppressed.map { "\($0.phone) \($0.customerID) \($0.failureClass) \($0.failures.map(\.code))" }
                == ["+86138****0000 C0 invalid [\"2 NACK/0x0b/Invalid Destination Address\"]"])
        #expect(november.suppressed.first?.suppressedAt == "2026-11-24T11:00:59+08:00")
        #expect(november.lapsed.isEmpty)
        #expect(november.contentBlocked.map { "\($0.campaign) \($0.count)" } == ["recall 1"])
        #expect(november.text.contains("+86138****0000 (customer C0): invalid since 2026-11-24T11:00:59+08:00, lapses 2027-02-22T11:00:59+08:00"))
        #expect(!november.text.contains("13800000000") && !november.csv.contains("13800000000") && !november.json.contains("13800000000"))
        #expect(november.csv.components(separatedBy: "\n").filter { $0.hasPrefix("suppressed,") || $0.hasPrefix("content_blocked,") }.count == 2)
        let february = try #require(try HygieneReportBuilder.report(month: "2027-02", zone: Self.shanghai, store: store))
        #expect(february.lapsed.map(\.customerID) == ["C0"] && february.suppressed.isEmpty && february.contentBlocked.isEmpty)
        #expect(february.text.contains("Suppressed (0):\n  none"))
        #expect(HygieneReportBuilder.interval(of: "2026-13", in: Self.shanghai) == nil)

        // 90 days after the failure the suppression lapses: the number gets its next message (a re-check).
        let before = LocalDate(iso: "2027-02-21")!
        let still = try preview.occurrences(of: c0, on: before, now: before.start(in: Self.shanghai).addingTimeInterval(9 * 3600))
        if case .suppressed = still.first?.verdict {} else { Issue.record("lapsed before 90 days: \(still)") }
        let recheck = LocalDate(iso: "2027-02-23")!
        let later = try preview.occurrences(of: c0, on: recheck, now: recheck.start(in: Self.shanghai).addingTimeInterval(9 * 3600))
        #expect(later.count == 1)
        if case .suppressed = later.first?.verdict { Issue.record("still suppressed after 90 days: \(later)") }

        // A later customer file gives C0 a new number: the old number's failure no longer holds C0 back.
        try home.write("customer_id,name,phone\nC0,王芳,13900000000\n", to: "customers-update.csv")
        let third = try await engine(configuration, store: store, at: Self.firstDay.addingTimeInterval(2 * 86_400)).runCycle()
        let moved = try #require(try store.entry(for: key("C0", LocalDate(iso: "2026-11-26")!)))
        #expect(moved.status == .sent && moved.message.phone == "+8613900000000", "\(moved)")
        #expect(third.dispatch.sent == 1)  // C1 and C2 have had two marketing messages this week: the default cap
        #expect(try store.suppressions(customerIDs: ["C0"], phones: ["+8613800000000"]).map(\.phone) == ["+8613800000000"])

        // The first run in December writes November's report beside the daily ones, once.
        let december = ISOInstant.parse("2026-12-01T09:00:00+08:00", defaultZone: .gmt)!
        let monthly = try await engine(configuration, store: store, at: december).runCycle().reportFiles.filter { $0.lastPathComponent.hasPrefix("hygiene-") }
        #expect(monthly.map(\.lastPathComponent) == ["hygiene-2026-11.csv"])
        let written = try home.contents(of: "outbox/reports/hygiene-2026-11.csv")
        let expected = try #require(try HygieneReportBuilder.report(month: "2026-11", zone: Self.shanghai, store: store))
        #expect(written == expected.csv && written.contains("suppressed,+86138****0000,C0,invalid,"), "\(written)")
        let again = try await engine(configuration, store: store, at: december.addingTimeInterval(60)).runCycle().reportFiles
        #expect(!again.contains { $0.lastPathComponent.hasPrefix("hygiene-") })
    }
}
