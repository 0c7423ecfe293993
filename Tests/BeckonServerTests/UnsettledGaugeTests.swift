import BeckonCore
import BeckonServer
import BeckonStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

@Suite("/metrics and /healthz count unknown and overdue messages from the ledger")
struct UnsettledGaugeTests {
    static let token = "0123456789abcdef0123456789abcdef"
    static let now = ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt)!

    /// Messages sent `hoursAgo` through `channel` with `status`, one per entry.
    func store(_ rows: [(channel: String, status: MessageStatus, hoursAgo: Double)]) throws -> SQLiteStore {
        let store = try SQLiteStore()
        for (index, row) in rows.enumerated() {
            let at = Self.now.addingTimeInterval(-row.hoursAgo * 3_600)
            let key = MessageKey(campaign: "birthday", wave: 0, customer: "C\(index)", localDate: LocalDate(iso: "2026-11-24")!)
            let message = PlannedMessage(key: key, category: .care, phone: "+8613800138000", channel: row.channel, text: "hi",
                                         variant: "", sendAt: at, validUntil: at.addingTimeInterval(86_400 * 3), reason: "birthday")
            _ = try store.schedule([message], at: at)
            try store.markPending([key], at: at)
            try store.record([DispatchOutcome(key: key, status: row.status, providerID: "p\(index)", channel: row.channel)], at: at)
        }
        return store
    }

    @Test("unknown counts every unknown message; overdue only sent or queued ones older than their channel's limit")
    func counts() async throws {
        let store = try store([
            ("sms", .unknown, 1), ("sms", .unknown, 30),
            ("sms", .sent, 1), ("sms", .sent, 25), ("sms", .queued, 48), ("sms", .delivered, 30),
            ("gw", .sent, 3), ("gw", .sent, 1),
            ("outbox", .sent, 100),  // a channel without reports is never overdue
        ])
        let registry = PrometheusCollectorRegistry()
        let server = BeckonHTTPServer(settings: .init(port: 0, token: Self.token, endpoints: [],
                                                      reportOverdueAfter: ["sms": 86_400, "gw": 7_200]),
                                      store: store, registry: registry, clock: FixedClock(Self.now), logger: Logger(label: "test"))
        #expect(try store.unsettledCounts(overdueBefore: ["sms": Self.now.addingTimeInterval(-86_400)]) == UnsettledCounts(unknown: 2, overdue: 2))
        let app = Application(router: server.router())
        try await app.test(.live) { client in
            try await client.execute(uri: "/healthz?token=\(Self.token)", method: .get) {
                let body = String(buffer: $0.body)
                #expect(body.contains("\"unknown\":2,\"overdue\":3"), "\(body)")
            }
            try await client.execute(uri: "/metrics?token=\(Self.token)", method: .get) {
                let body = String(buffer: $0.body)
                #expect(body.contains("beckon_messages_unknown 2.0\n"), "\(body)")
                #expect(body.contains("beckon_messages_overdue 3.0\n"), "\(body)")
                #expect(body.contains("# HELP beckon_messages_unknown "), "\(body)")
                #expect(body.contains("# TYPE beckon_messages_overdue gauge"), "\(body)")
            }
        }
        // Settled (here by a resolve) the gauge follows at the next scrape.
        try store.record([DispatchOutcome(key: MessageKey(campaign: "birthday", wave: 0, customer: "C0", localDate: LocalDate(iso: "2026-11-24")!),
                                          status: .sent, reasonCode: "resolved_sent_by_operator")], at: Self.now)
        try await app.test(.live) { client in
            try await client.execute(uri: "/metrics?token=\(Self.token)", method: .get) {
                #expect(String(buffer: $0.body).contains("beckon_messages_unknown 1.0\n"))
            }
        }
    }
}
