import BeckonCore
import BeckonServer
import BeckonStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

@Suite("HTTP: delivery reports, replies, health and metrics over loopback")
struct HTTPServerTests {
    static let token = "0123456789abcdef0123456789abcdef"
    static let now = ISOInstant.parse("2026-11-24T10:00:00+08:00", defaultZone: .gmt)!
    static let key = MessageKey(campaign: "birthday", wave: 0, customer: "C1", localDate: LocalDate(iso: "2026-11-24")!)

    /// A message sent through `channel` (the one its reports come back on).
    func store(segmentsText: String = "你好", channel: String = "sms") throws -> SQLiteStore {
        let store = try SQLiteStore()
        let message = PlannedMessage(key: Self.key, category: .care, phone: "+8613800138000", channel: "sms", text: segmentsText,
                                     variant: "", sendAt: Self.now, validUntil: Self.now.addingTimeInterval(3600), reason: "birthday")
        _ = try store.schedule([message], at: Self.now)
        try store.markPending([Self.key], at: Self.now)
        try store.record([DispatchOutcome(key: Self.key, status: .sent, providerID: "gw-1", channel: channel)], at: Self.now)
        return store
    }

    func server(_ store: SQLiteStore, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                scope sender: String? = nil, hardFailureCodes: Set<String> = []) -> BeckonHTTPServer {
        BeckonHTTPServer(settings: .init(port: 0, token: Self.token, endpoints: [
            ReportEndpoint(channel: "sms", dialect: .kannel, optOutSender: sender, hardFailureCodes: hardFailureCodes),
            ReportEndpoint(channel: "gw", dialect: .generic(idField: "id", statusField: "status", delivered: ["DELIVRD"], undelivered: ["UNDELIV"])),
        ]), store: store, registry: registry, clock: FixedClock(Self.now), logger: Logger(label: "test"))
    }

    @Test("a failed report whose code is a hard failure suppresses the number; another failure code does not")
    func hardFailureReports() async throws {
        @Sendable func report(answer: String) -> String {
            "/dlr/sms?token=\(Self.token)&key=\(Self.key.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                + "&status=2&answer=\(answer.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&provider_id="
        }
        for (answer, suppressed) in [("NACK/0x0b/Invalid Destination Address", true), ("NACK/0x45/Queue full", false)] {
            let store = try store()
            let app = Application(router: server(store, hardFailureCodes: ["0x0b"]).router())
            try await app.test(.live) { client in
                try await client.execute(uri: report(answer: answer), method: .get) { #expect(String(buffer: $0.body) == "applied\n") }
            }
            #expect(try store.entry(for: Self.key)?.status == .undelivered)
            let suppressions = try store.suppressions(customerIDs: [], phones: ["+8613800138000"])
            #expect(suppressions.map(\.source) == (suppressed ? [.hardFailure] : []), "\(answer)")
            #expect(suppressions.first.map { $0.detail.contains("0x0b") } ?? true)
        }
        #expect(ReportEndpoint(channel: "gw", dialect: .kannel, hardFailureCodes: ["REJECTD"]).isHardFailure("REJECTD"))
        #expect(!ReportEndpoint(channel: "gw", dialect: .kannel, hardFailureCodes: ["0x0b"]).isHardFailure("2 NACK/0x0bad/x"))
        // SMPP 0x0b (invalid destination address) is in the built-in table: no configuration needed.
        #expect(ReportEndpoint(channel: "gw", dialect: .kannel).isHardFailure("2 NACK/0x0000000b/x"))
        #expect(!ReportEndpoint(channel: "gw", dialect: .kannel).isHardFailure("2 NACK/0x45/x"))
    }

    @Test("a generic gateway's status that the failure table knows is a failure even when undelivered_statuses does not list it")
    func genericStatusCodes() throws {
        let endpoint = ReportEndpoint(channel: "gw", dialect: .generic(idField: "id", statusField: "status", delivered: ["DELIVRD"], undelivered: ["UNDELIV"]),
                                      failureCodes: ["E-SUSP": .suspended])
        func status(_ word: String) throws -> MessageStatus { try endpoint.report(from: ["id": "p1", "status": word]).get().status }
        #expect(try status("MK:0001") == .undelivered)
        #expect(try status("KEYWORD") == .undelivered)
        #expect(try status("E-SUSP") == .undelivered)
        #expect(try status("UNDELIV") == .undelivered)
        #expect(try status("DELIVRD") == .delivered)
        #expect(try status("ACCEPTD") == .sent)
    }

    func dlr(_ status: Int, part: String = "") -> String {
        "/dlr/sms?token=\(Self.token)&key=\(Self.key.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&status=\(status)&answer=ACK&provider_id=\(part)"
    }

    @Test("every endpoint refuses a request without the right token")
    func token() async throws {
        let app = Application(router: server(try store()).router())
        try await app.test(.live) { client in
            for uri in ["/healthz", "/metrics", "/dlr/sms", "/mo/sms", "/healthz?token=wrong"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized, "\(uri)") }
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body).contains("\"scheduled\":0"))
            }
            // The scheme is case-insensitive (RFC 9110); a wrong token or another scheme is still refused.
            for header in ["bearer \(Self.token)", "BEARER  \(Self.token)"] {
                try await client.execute(uri: "/healthz", method: .get, headers: [.authorization: header]) { #expect($0.status == .ok, "\(header)") }
            }
            for header in ["Bearer wrong", "Basic \(Self.token)", "Bearer", "\(Self.token)"] {
                try await client.execute(uri: "/healthz", method: .get, headers: [.authorization: header]) {
                    #expect($0.status == .unauthorized, "\(header)")
                }
            }
        }
    }

    @Test("Kannel reports: delivered once, duplicates and late SMSC acks change nothing, each change has a receipt")
    func kannelReports() async throws {
        let store = try store()
        let app = Application(router: server(store).router())
        try await app.test(.live) { client in
            try await client.execute(uri: dlr(1), method: .get) { #expect(String(buffer: $0.body) == "applied\n") }
            try await client.execute(uri: dlr(1), method: .get) { #expect(String(buffer: $0.body) == "duplicate\n") }
            // The SMSC's ack (8) after the handset's final report: never a downgrade.
            try await client.execute(uri: dlr(8), method: .get) { #expect(String(buffer: $0.body) == "no_change\n") }
            try await client.execute(uri: "/dlr/sms?token=\(Self.token)&key=nonsense&status=1", method: .get) { #expect($0.status == .badRequest) }
        }
        #expect(try store.entry(for: Self.key)?.status == .delivered)
        let events = try store.receiptEvents(in: DateInterval(start: Self.now.addingTimeInterval(-1), duration: 10))
        #expect(events.map(\.status) == [.sent, .delivered])
    }

    @Test("a Kannel report with its message's reference needs no token; a forged or foreign reference is refused")
    func referencedReports() async throws {
        let store = try store()
        let app = Application(router: server(store).router())
        let reference = DeliveryReference(token: Self.token).seal(Self.key)
        try await app.test(.live) { client in
            try await client.execute(uri: "/dlr/sms?ref=\(reference)&status=1&answer=ACK%2F&provider_id=smsc-1", method: .get) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body) == "applied\n")
            }
            let foreign = DeliveryReference(token: "another-server").seal(Self.key)
            for uri in ["/dlr/sms?ref=\(foreign)&status=2", "/dlr/sms?ref=AAAA&status=2", "/healthz?ref=\(reference)", "/mo/sms?ref=\(reference)&from=1&text=TD"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized, "\(uri)") }
            }
        }
        #expect(try store.entry(for: Self.key)?.status == .delivered)
        #expect(try store.entry(for: Self.key)?.providerID == "gw-1", "the id from the send stands")
    }

    @Test("a report while the message is pending is held, and a held hard failure suppresses the number at once")
    func heldReport() async throws {
        let store = try SQLiteStore()
        let message = PlannedMessage(key: Self.key, category: .care, phone: "+8613800138000", channel: "sms", text: "hi",
                                     variant: "", sendAt: Self.now, validUntil: Self.now.addingTimeInterval(3600), reason: "birthday")
        _ = try store.schedule([message], at: Self.now)
        try store.markPending([Self.key], at: Self.now)
        let app = Application(router: server(store, hardFailureCodes: ["0x0b"]).router())
        try await app.test(.live) { client in
            try await client.execute(uri: dlr(2).replacingOccurrences(of: "answer=ACK", with: "answer=NACK%2F0x0b"), method: .get) {
                #expect(String(buffer: $0.body) == "held\n")
            }
        }
        #expect(try store.entry(for: Self.key)?.status == .pending)
        #expect(try store.suppressions(customerIDs: [], phones: ["+8613800138000"]).map(\.source) == [.hardFailure])
        try store.record([DispatchOutcome(key: Self.key, status: .sent, providerCode: "202 0: Accepted for delivery")], at: Self.now)
        #expect(try store.receiptEvents(in: DateInterval(start: Self.now.addingTimeInterval(-1), duration: 10)).map(\.status) == [.sent, .undelivered])
    }

    @Test("a multipart message reported part by part is delivered only when every part is")
    func multipart() async throws {
        let store = try store(segmentsText: String(repeating: "生日快乐", count: 20), channel: "gw")  // 80 UCS-2 characters: 2 parts
        let app = Application(router: server(store).router())
        try await app.test(.live) { client in
            try await client.execute(uri: "/dlr/gw?token=\(Self.token)&id=gw-1&status=DELIVRD&part=1", method: .get) {
                #expect(String(buffer: $0.body) == "no_change\n")
            }
            #expect(try store.entry(for: Self.key)?.status == .sent)
            try await client.execute(uri: "/dlr/gw?token=\(Self.token)&id=gw-1&status=DELIVRD&part=2", method: .get) {
                #expect(String(buffer: $0.body) == "applied\n")
            }
        }
        #expect(try store.entry(for: Self.key)?.status == .delivered)
    }

    @Test("generic gateway reports by provider id, as a form POST")
    func genericReports() async throws {
        let store = try SQLiteStore()
        let message = PlannedMessage(key: Self.key, category: .care, phone: "+8613800138000", channel: "gw", text: "hi",
                                     variant: "", sendAt: Self.now, validUntil: Self.now.addingTimeInterval(3600), reason: "r")
        _ = try store.schedule([message], at: Self.now)
        try store.record([DispatchOutcome(key: Self.key, status: .sent, providerID: "p-77")], at: Self.now)
        let app = Application(router: server(store).router())
        try await app.test(.live) { client in
            try await client.execute(uri: "/dlr/gw?token=\(Self.token)", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "id=p-77&status=UNDELIV")) { #expect(String(buffer: $0.body) == "applied\n") }
            try await client.execute(uri: "/dlr/gw?token=\(Self.token)&id=nope&status=DELIVRD", method: .get) {
                #expect(String(buffer: $0.body) == "unknown_message\n")
            }
        }
        #expect(try store.entry(for: Self.key)?.status == .undelivered)
    }

    @Test("replies: TD opts out (scoped to the channel's sender when configured), START opts back in, a sentence is only flagged")
    func replies() async throws {
        let store = try store()
        let app = Application(router: server(store, scope: "brand-a").router())
        let customer = Customer(id: "C1", name: "n", phone: "+8613800138000")
        try await app.test(.live) { client in
            try await client.execute(uri: "/mo/sms?token=\(Self.token)&from=%2B86%20138-0013-8000&text=%EF%BC%B4%EF%BC%A4", method: .get) {
                #expect(String(buffer: $0.body) == "opted_out\n")  // full-width ＴＤ
            }
            let standing = try store.suppressions(customerIDs: [], phones: ["+8613800138000"])
            #expect(standing.map(\.sender) == ["brand-a"])
            #expect(SuppressionRule.blocking(standing, customer: customer, category: .marketing, brandCategory: nil, sender: "brand-a", at: Self.now) != nil)
            #expect(SuppressionRule.blocking(standing, customer: customer, category: .marketing, brandCategory: nil, sender: "brand-b", at: Self.now) == nil)
            try await client.execute(uri: "/mo/sms?token=\(Self.token)&from=13800138000&text=START", method: .get) {
                #expect(String(buffer: $0.body) == "opted_in\n")
            }
            #expect(try store.suppressions(customerIDs: [], phones: ["+8613800138000"]).isEmpty)
            try await client.execute(uri: "/mo/sms?token=\(Self.token)&from=13800138000&text=please%20don%27t%20stop%20the%20coupons", method: .get) {
                #expect(String(buffer: $0.body) == "review\n")
            }
            #expect(try store.suppressions(customerIDs: [], phones: ["+8613800138000"]).isEmpty)
        }
    }

    @Test("/metrics serves the Prometheus registry")
    func metrics() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "beckon_messages_total", labels: [("campaign", "birthday"), ("channel", "sms"), ("status", "sent")]).increment()
        let app = Application(router: server(try store(), registry: registry).router())
        try await app.test(.live) { client in
            try await client.execute(uri: "/metrics?token=\(Self.token)", method: .get) {
                #expect(String(buffer: $0.body).contains(#"beckon_messages_total{campaign="birthday",channel="sms",status="sent"} 1"#))
            }
        }
    }
}
