import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Prometheus
import Testing
@testable import BeckonDaemon

@Suite("Metrics: dispatch outcomes counted per campaign, channel and status")
struct DispatchMetricsTests {
    /// The process's metrics backend. `MetricsSystem` takes one bootstrap per process, so every test that reads
    /// metrics goes through this one; each uses a campaign of its own, since counters are process-wide.
    static let registry: PrometheusCollectorRegistry = {
        BeckonDaemon.bootstrapMetrics()
        return BeckonDaemon.registry
    }()

    static let campaign: Campaign = {
        var campaign = Campaign(id: "metrics_birthday", name: "Birthday", category: .care, trigger: .birthday(BirthdayRule()),
                                template: try! MessageTemplate("【Beckon】{{name}}，生日快乐！"))
        campaign.policy.window = TimeWindow(parsing: "10:00-10:01")!
        return campaign
    }()

    @Test("three birthdays sent through the outbox channel are three sent messages of that campaign and channel")
    func countsSentMessages() async throws {
        let registry = Self.registry
        let home = try TemporaryHome()
        try home.write("""
            customer_id,name,phone,birthday
            C1,王芳,13800138000,1990-11-24
            C2,李雷,13900139000,1985-11-24
            C3,张伟,13700137000,1979-11-24

            """, to: "customers.csv")
        let configuration = home.configuration(campaigns: [Self.campaign])
        let engine = try BeckonEngine(configuration: configuration, store: try SQLiteStore(path: configuration.database.path),
                                      clock: FixedClock(EndToEndTests.instant), fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)),
                                      logger: Logger(label: "test"))
        let report = try await engine.runCycle()
        #expect(report.dispatch.sent == 3)

        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").filter { $0.contains("metrics_birthday") && $0.hasPrefix("beckon_messages_total") }
        #expect(lines == [#"beckon_messages_total{campaign="metrics_birthday",channel="outbox",status="sent"} 3"#])
    }
}
