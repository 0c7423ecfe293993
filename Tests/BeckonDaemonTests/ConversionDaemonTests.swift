import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Prometheus
import Testing
@testable import BeckonDaemon

@Suite("Conversions in the daemon: credited after a conversions file and before a report, counted in /metrics")
struct ConversionDaemonTests {
    static let campaign: Campaign = {
        var campaign = Campaign(id: "metrics_conversions", name: "Birthday", category: .care, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate("【Beckon】{{name}}，生日快乐！"))
        campaign.policy.window = TimeWindow(parsing: "10:00-10:01")!
        campaign.attributionDays = 7
        return campaign
    }()

    func engine(_ configuration: BeckonConfiguration, _ store: SQLiteStore, at instant: Date) throws -> BeckonEngine {
        try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                         fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
    }

    func metricLines(_ registry: PrometheusCollectorRegistry) -> [String] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { $0.contains("metrics_conversions") && $0.hasPrefix("beckon_conversion") }.sorted()
    }

    @Test("a conversions file is credited in the next cycle; a late delivery report is credited when the report is made")
    func creditedAndCounted() async throws {
        let registry = DispatchMetricsTests.registry
        let home = try TemporaryHome()
        try home.write("""
            customer_id,name,phone,birthday
            C1,王芳,13800138000,1990-11-24
            C2,李雷,13900139000,1985-11-24
            C3,张伟,13700137000,1979-11-24

            """, to: "customers.csv")
        let configuration = home.configuration(campaigns: [Self.campaign])
        let store = try SQLiteStore(path: configuration.database.path)
        let sending = try engine(configuration, store, at: EndToEndTests.instant)
        #expect(try await sending.runCycle().dispatch.sent == 3)
        // Made at start, before any conversion, with their help texts.
        #expect(metricLines(registry) == [
            #"beckon_conversion_revenue_total{campaign="metrics_conversions"} 0"#,
            #"beckon_conversions_total{campaign="metrics_conversions",through="click"} 0"#,
            #"beckon_conversions_total{campaign="metrics_conversions",through="view"} 0"#,
        ])
        let day = LocalDate(iso: "2026-11-24")!
        func key(_ customer: String) -> MessageKey { MessageKey(campaign: Self.campaign.id, wave: 0, customer: customer, localDate: day) }
        let channel = try #require(try store.entry(for: key("C1"))).message.channel
        for customer in ["C1", "C2"] {
            _ = try store.apply(DeliveryReport(channel: channel, key: key(customer), status: .delivered, at: EndToEndTests.instant.addingTimeInterval(60)))
        }
        // C1 buys the next day; C2 nine days later (outside the 7 days); C3's message has no delivery report yet.
        try home.write("""
            customer_id,occurred_at,kind,amount
            C1,2026-11-25 12:00,order,100
            C2,2026-12-03 12:00,order,70
            C3,2026-11-26 12:00,order,50

            """, to: "orders-2026-12-03.csv")
        let later = EndToEndTests.instant.addingTimeInterval(10 * 86_400)
        let cycle = try await engine(configuration, store, at: later).runCycle()
        #expect(cycle.files.map(\.kind) == [.imported])
        #expect(try store.conversionTotals(in: DateInterval(start: EndToEndTests.instant, duration: 30 * 86_400))
                == [ConversionTotal(campaign: Self.campaign.id, variant: "", clickThrough: 0, viewThrough: 1, revenue: 100)])
        #expect(metricLines(registry) == [
            #"beckon_conversion_revenue_total{campaign="metrics_conversions"} 100.0"#,
            #"beckon_conversions_total{campaign="metrics_conversions",through="click"} 0"#,
            #"beckon_conversions_total{campaign="metrics_conversions",through="view"} 1"#,
        ])

        // C3's delivery report comes after the file: the report credits it before reading.
        _ = try store.apply(DeliveryReport(channel: channel, key: key("C3"), status: .delivered, at: EndToEndTests.instant.addingTimeInterval(90)))
        let figures = try ReportBuilder(configuration: configuration, store: store, attributes: store)
            .figures(ReportPeriod(from: day, to: day), generatedAt: later)
        let funnel = try #require(figures.funnels.first { $0.campaign == Self.campaign.id })
        #expect(funnel.converted == Proportion(2, of: 3))
        #expect(funnel.viewThrough == 2 && funnel.revenue == 150)
        #expect(metricLines(registry).last == #"beckon_conversions_total{campaign="metrics_conversions",through="view"} 2"#)
        // Reading again credits nothing new: a counter never counts one conversion twice.
        _ = try ReportBuilder(configuration: configuration, store: store, attributes: store).figures(ReportPeriod(from: day, to: day), generatedAt: later)
        #expect(metricLines(registry).last == #"beckon_conversions_total{campaign="metrics_conversions",through="view"} 2"#)
    }
}
