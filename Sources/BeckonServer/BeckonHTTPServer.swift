import BeckonCore
import BeckonInbox
import BeckonStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

/// Beckon's HTTP side: delivery reports, replies, health and metrics.
///
/// Bound to loopback by default; every request must carry the token (`?token=` because gateways call plain
/// URLs, or `Authorization: Bearer`). A report or reply is applied to the store before the response, so a
/// gateway that sees 200 may forget it; on any error it gets a 5xx and retries (Kannel does).
public struct BeckonHTTPServer: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var token: String
        public var endpoints: [String: ReportEndpoint]
        public var keywords: OptOutKeywords
        public var defaultCountryCode: String
        /// Per channel: how long after it was sent a message without a delivery report is overdue.
        public var reportOverdueAfter: [String: TimeInterval]

        public init(host: String = "127.0.0.1", port: Int, token: String, endpoints: [ReportEndpoint],
                    keywords: OptOutKeywords = OptOutKeywords(), defaultCountryCode: String = "86",
                    reportOverdueAfter: [String: TimeInterval] = [:]) {
            self.reportOverdueAfter = reportOverdueAfter
            self.host = host
            self.port = port
            self.token = token
            self.endpoints = Dictionary(endpoints.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
            self.keywords = keywords
            self.defaultCountryCode = defaultCountryCode
        }
    }

    public let settings: Settings
    public let store: SQLiteStore
    public let registry: PrometheusCollectorRegistry
    public let clock: any WallClock
    public let logger: Logger
    /// Opens the references in Kannel's dlr-urls, which stand in for the token there.
    let references: DeliveryReference

    public init(settings: Settings, store: SQLiteStore, registry: PrometheusCollectorRegistry, clock: any WallClock, logger: Logger) {
        self.settings = settings
        references = DeliveryReference(token: settings.token)
        self.store = store
        self.registry = registry
        self.clock = clock
        self.logger = logger
    }

    /// The Hummingbird application (a `Service`: run it in the daemon's `ServiceGroup`).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "beckon"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: TokenMiddleware(token: settings.token, references: references))
        router.get("/healthz") { _, _ in try healthResponse() }
        router.get("/metrics") { _, _ in
            // Read from the ledger at each scrape: the counts are states, and a crash in another process (or
            // `beckon resolve`) changes them without this one seeing any event.
            let counts = try unsettledCounts()
            registry.makeGauge(descriptor: Self.unknownGauge).set(to: Double(counts.unknown))
            registry.makeGauge(descriptor: Self.overdueGauge).set(to: Double(counts.overdue))
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/dlr/{channel}", method: method) { request, context in
                try await deliveryReport(fields: try await fields(of: request), channel: try context.parameters.require("channel"))
            }
            router.on("/mo/{channel}", method: method) { request, context in
                try await reply(fields: try await fields(of: request), channel: try context.parameters.require("channel"))
            }
        }
        return router
    }

    // Computed: the descriptor type is not Sendable, so it cannot be a stored static.
    static var unknownGauge: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "beckon_messages", unitName: "unknown",
                             helpText: "Messages whose outcome a crash hid (status unknown), waiting for a delivery report or beckon resolve.")
    }
    static var overdueGauge: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "beckon_messages", unitName: "overdue",
                             helpText: "Messages sent or queued with no delivery report after their channel's report_overdue_after.")
    }

    func unsettledCounts() throws -> UnsettledCounts {
        let now = clock.now
        return try store.unsettledCounts(overdueBefore: settings.reportOverdueAfter.mapValues { now.addingTimeInterval(-$0) })
    }

    func healthResponse() throws -> Response {
        let (waiting, next) = try store.scheduledOutlook()
        let counts = try unsettledCounts()
        var body = "{\"status\":\"ok\",\"scheduled\":\(waiting),\"unknown\":\(counts.unknown),\"overdue\":\(counts.overdue)"
        if let next { body += ",\"next_send_at\":\"\(ISOInstant.format(next, in: .gmt))\"" }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body + "}\n")))
    }

    func deliveryReport(fields: [String: String], channel: String) async throws -> Response {
        guard let endpoint = settings.endpoints[channel] else { return text(.notFound, "no channel '\(channel)' takes delivery reports\n") }
        switch endpoint.report(from: fields, references: references) {
        case .failure(let error):
            Counter(label: "beckon_delivery_reports_total", dimensions: [("channel", channel), ("result", "rejected")]).increment()
            logger.warning("unusable delivery report", metadata: ["channel": "\(channel)", "reason": "\(error)"])
            return text(.badRequest, "\(error)\n")
        case .success(let parsed):
            // Classified here, recorded by the store in the report's own transaction (number hygiene).
            let failed = parsed.status == .undelivered || parsed.status == .failed
            let failureClass = failed ? endpoint.failureClass(of: parsed.providerCode) : nil
            let result = try store.apply(DeliveryReport(channel: channel, key: parsed.key, providerID: parsed.providerID,
                                                        part: parsed.part, status: parsed.status, providerCode: parsed.providerCode, at: clock.now,
                                                        failureClass: failureClass))
            if let failureClass, NumberHygiene.isRecorded(failureClass) {
                switch result {
                case .applied(let key, _), .held(let key, _):
                    logger.notice("number hygiene: classified a failure", metadata: ["key": "\(key)", "channel": "\(channel)",
                                                                                     "class": "\(failureClass.rawValue)", "code": "\(parsed.providerCode)"])
                default: break
                }
            }
            let name: String
            switch result {
            case .applied: name = "applied"
            case .held: name = "held"
            case .noChange: name = "no_change"
            case .duplicate: name = "duplicate"
            case .unknownMessage: name = "unknown_message"
            }
            Counter(label: "beckon_delivery_reports_total", dimensions: [("channel", channel), ("result", name)]).increment()
            // 200 even for an unknown message: a gateway retrying it forever would not help.
            return text(.ok, name + "\n")
        }
    }

    func reply(fields: [String: String], channel: String) async throws -> Response {
        guard let endpoint = settings.endpoints[channel] else { return text(.notFound, "no channel '\(channel)' takes replies\n") }
        guard let raw = fields["from"], let phone = PhoneNormalizer.normalize(raw, defaultCountryCode: settings.defaultCountryCode) else {
            return text(.badRequest, "missing or invalid 'from'\n")
        }
        let words = fields["text"] ?? ""
        let now = clock.now
        let verdict = settings.keywords.classify(words)
        let name: String
        switch verdict {
        case .optOut(let keyword):
            // Applied before the response: the next dispatch (and the dispatch gate) already sees it.
            try store.addSuppressions([Suppression(phone: phone, sender: endpoint.optOutSender, source: .optOutReply,
                                                   detail: "replied '\(keyword)' on \(channel)", at: now)])
            name = "opted_out"
            logger.notice("opt-out reply", metadata: ["phone": "\(maskPhone(phone))", "channel": "\(channel)", "keyword": "\(keyword)"])
        case .optIn(let keyword):
            try store.liftSuppressions(phone: phone, customerID: nil, category: nil)
            name = "opted_in"
            logger.notice("opt-in reply", metadata: ["phone": "\(maskPhone(phone))", "channel": "\(channel)", "keyword": "\(keyword)"])
        case .review(let keyword):
            // A keyword inside a sentence ("don't STOP sending") is not acted on: an operator decides.
            name = "review"
            logger.warning("reply to review: contains an opt-out word inside a sentence",
                           metadata: ["phone": "\(maskPhone(phone))", "channel": "\(channel)", "keyword": "\(keyword)"])
        case .none:
            name = "ignored"
        }
        Counter(label: "beckon_replies_total", dimensions: [("channel", channel), ("result", name)]).increment()
        return text(.ok, name + "\n")
    }

    /// Query parameters and, for a form POST, the body's fields (the body wins).
    func fields(of request: Request) async throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { result[String(name)] = String(value) }
        if request.method == .post {
            var request = request
            let buffer = try await request.collectBody(upTo: 64 * 1024)
            result.merge(FormFields.decode(String(buffer: buffer))) { _, body in body }
        }
        return result
    }

    func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Refuses requests without the token, in constant time so the token cannot be guessed byte by byte.
///
/// A delivery report may carry a `DeliveryReference` (`/dlr/...?ref=`) instead: only a holder of the token
/// can make one that opens, and it speaks for its one message only.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    let references: DeliveryReference

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/dlr/"), let reference = request.uri.queryParameters["ref"],
           references.open(String(reference)) != nil {
            return try await next(request, context)
        }
        let presented = request.headers[.authorization].flatMap(Self.bearerToken) ?? request.uri.queryParameters["token"].map(String.init) ?? ""
        guard Self.constantTimeEqual(presented, token) else {
            return Response(status: .unauthorized, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "token required\n")))
        }
        return try await next(request, context)
    }

    /// The credentials of `Authorization: Bearer T`. The scheme is case-insensitive (RFC 9110 11.1), so
    /// `bearer` and `BEARER` work too, and any run of spaces may follow it.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1]).trimmedSpaces
        return token.isEmpty ? nil : token
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
