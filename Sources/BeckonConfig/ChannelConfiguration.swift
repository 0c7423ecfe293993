import BeckonCore
import Foundation

/// One configured way out for messages: its kind with that kind's settings, and the limits every kind shares.
///
/// ```yaml
/// channels:
///   sms:
///     kind: kannel
///     url: http://127.0.0.1:13013/cgi-bin/sendsms
///     username: beckon
///     password: secret
///     from: "10690000"
///     rate: 50              # messages per second (token bucket, kept across restarts)
///     concurrency: 8        # requests in flight
///     failover: backup      # tried at once when this one fails transiently
///     sender: brand-a       # whose sender replies (TD) are scoped to, when opt_out_scope is sender
///   backup:
///     kind: http
///     url: https://sms.example.com/v1/messages
///     format: json
///     body: '{"to": "{{phone}}", "text": "{{text}}", "client_ref": "{{key}}"}'
///     provider_id: data.id
///     deduplicates_by_key: true
///   modem:
///     kind: spool
///     directory: /var/spool/sms/outgoing
/// ```
public struct ChannelConfiguration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Files under `outbox/messages/`, nothing over the network: the safe default.
        case outbox
        /// Kannel's smsbox `sendsms`.
        case kannel
        /// A generic JSON or form POST gateway described in config.
        case http
        /// smstools3 outgoing spool files.
        case spool
    }

    public struct Kannel: Sendable, Hashable {
        public var url: URL
        public var username: String
        public var password: String
        public var from: String?
        public var usePOST: Bool

        public init(url: URL, username: String, password: String, from: String? = nil, usePOST: Bool = false) {
            self.url = url
            self.username = username
            self.password = password
            self.from = from
            self.usePOST = usePOST
        }
    }

    public struct HTTP: Sendable, Hashable {
        public var url: URL
        public var headers: [String: String]
        public var format: String
        public var body: String
        public var providerIDPath: String?
        public var statusPath: String?
        public var acceptedStatuses: [String]
        public var transientStatuses: [String]
        public var deduplicatesByKey: Bool
        /// How delivery reports name things: the query or form field of the provider's message id and status,
        /// and the provider's status words for delivered and undelivered.
        public var reportIDField: String
        public var reportStatusField: String
        public var deliveredStatuses: [String]
        public var undeliveredStatuses: [String]
    }

    public var id: String
    public var kind: Kind
    /// For `outbox` and `spool`: the folder (relative to the outbox, or absolute for `spool`).
    public var directory: String
    public var kannel: Kannel?
    public var http: HTTP?
    /// Messages per second; nil: unlimited.
    public var rate: Double?
    /// Requests in flight at once.
    public var concurrency: Int
    /// A message longer than this many SMS parts fails with a reason instead of being truncated.
    public var maxParts: Int
    /// Seconds before a request counts as timed out (transient).
    public var timeout: Double
    /// The channel tried next when this one fails transiently.
    public var failover: String?
    /// The sender identity (brand) that replies on this channel opt out of, for `opt_out_scope: sender`.
    public var sender: String
    /// Provider codes that mean the number itself is bad (`hard_failure_codes: [BAD_NUMBER]`), in a send's
    /// reply or a failed delivery report (the whole code or one of its words, such as Kannel's `0x0b`): Beckon
    /// suppresses the number, so no campaign tries it again.
    public var hardFailureCodes: [String] = []
    /// The channel's own failure codes by class (`failure_codes: { suspended: ["MK:0099"], transient: ["MK:0005"] }`),
    /// on top of Beckon's built-in table; `hard_failure_codes` are entries of class `invalid`. See docs/hygiene.md.
    public var failureCodes: [String: FailureClass] = [:]

    /// The table number hygiene classifies this channel's failure codes with.
    public var failureCodeTable: FailureCodeTable { .channel(overrides: failureCodes, hardFailureCodes: hardFailureCodes) }
    /// What one SMS segment sent through this channel costs (`unit_price: 0.045`, in `report.currency`): the
    /// report's cost column. nil: the report says the channel has no price.
    public var unitPrice: Double?
    /// A message sent through this channel with no delivery report this long after is overdue (counted in
    /// `/metrics` and `/healthz`); nil for channels that send no reports (`outbox`, `spool`) or with
    /// `report_overdue_after: none`.
    public var reportOverdueAfter: TimeInterval?

    public init(id: String, kind: Kind, directory: String = "messages") {
        self.id = id
        self.kind = kind
        self.directory = directory
        concurrency = kind == .outbox || kind == .spool ? 1 : 8
        maxParts = 6
        timeout = 10
        sender = id
        reportOverdueAfter = kind == .kannel || kind == .http ? Self.defaultReportOverdueAfter : nil
    }

    /// A day: reports usually come within minutes, and a handset switched off for a weekend is rarer.
    public static let defaultReportOverdueAfter: TimeInterval = 86_400

    public static let defaultOutbox = ChannelConfiguration(id: "outbox", kind: .outbox)

    static let sharedKeys = ["kind", "rate", "concurrency", "max_parts", "timeout", "failover", "sender", "hard_failure_codes",
                             "failure_codes", "unit_price"]
    /// Keys only for channels that send delivery reports.
    static let reportKeys = ["report_overdue_after"]

    static func parseAll(_ node: ConfigNode) throws -> [ChannelConfiguration] {
        let channels = try node.mapping().map { key, value in
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw value.error("channel name '\(key)' must be letters, digits, '-' or '_'")
            }
            return try parse(id: key, value)
        }
        let ids = Set(channels.map(\.id))
        for channel in channels {
            guard let failover = channel.failover else { continue }
            guard ids.contains(failover), failover != channel.id else {
                throw try node.required(channel.id).required("failover").error("'\(failover)' is not another channel defined here")
            }
        }
        return channels
    }

    static func parse(id: String, _ node: ConfigNode) throws -> ChannelConfiguration {
        let kind = try node.required("kind").oneOf(Kind.self)
        var channel = ChannelConfiguration(id: id, kind: kind)
        switch kind {
        case .outbox:
            try node.rejectUnknownKeys(Set(sharedKeys + ["directory"]))
            channel.directory = try node.optional("directory")?.string() ?? "messages"
        case .spool:
            try node.rejectUnknownKeys(Set(sharedKeys + ["directory"]))
            channel.directory = try node.required("directory").string()
        case .kannel:
            try node.rejectUnknownKeys(Set(sharedKeys + reportKeys + ["url", "username", "password", "from", "method"]))
            let method = try node.optional("method")?.string().uppercased() ?? "GET"
            guard method == "GET" || method == "POST" else { throw try node.required("method").error("expected GET or POST") }
            channel.kannel = Kannel(url: try node.required("url").httpURL(), username: try node.required("username").string(),
                                    password: try node.required("password").string(), from: try node.optional("from")?.string(),
                                    usePOST: method == "POST")
        case .http:
            try node.rejectUnknownKeys(Set(sharedKeys + reportKeys + [
                "url", "headers", "format", "body", "provider_id", "status", "accepted_statuses", "transient_statuses",
                "deduplicates_by_key", "report_id_field", "report_status_field", "delivered_statuses", "undelivered_statuses",
            ]))
            let format = try node.optional("format")?.string() ?? "json"
            guard format == "json" || format == "form" else { throw try node.required("format").error("expected json or form") }
            let strings: (String) throws -> [String] = { key in try node.optional(key)?.list().map { try $0.string() } ?? [] }
            channel.http = HTTP(
                url: try node.required("url").httpURL(),
                headers: Dictionary(try node.optional("headers")?.mapping().map { ($0.key, try $0.value.string()) } ?? [],
                                    uniquingKeysWith: { _, last in last }),
                format: format, body: try node.required("body").gatewayBody(),
                providerIDPath: try node.optional("provider_id")?.string(), statusPath: try node.optional("status")?.string(),
                acceptedStatuses: try strings("accepted_statuses"), transientStatuses: try strings("transient_statuses"),
                deduplicatesByKey: try node.optional("deduplicates_by_key")?.bool() ?? false,
                reportIDField: try node.optional("report_id_field")?.string() ?? "id",
                reportStatusField: try node.optional("report_status_field")?.string() ?? "status",
                deliveredStatuses: try node.optional("delivered_statuses")?.list().map { try $0.string() } ?? ["delivered", "DELIVRD"],
                undeliveredStatuses: try node.optional("undelivered_statuses")?.list().map { try $0.string() }
                    ?? ["undelivered", "failed", "UNDELIV", "EXPIRED", "REJECTD"])
        }
        if let rate = try node.optional("rate") {
            channel.rate = try rate.double()
            guard channel.rate! > 0 else { throw rate.error("must be greater than 0 messages per second") }
        }
        if let concurrency = try node.optional("concurrency") {
            channel.concurrency = try concurrency.int()
            guard (1...1000).contains(channel.concurrency) else { throw concurrency.error("must be 1 to 1000") }
        }
        if let parts = try node.optional("max_parts") {
            channel.maxParts = try parts.int()
            guard (1...255).contains(channel.maxParts) else { throw parts.error("must be 1 to 255") }
        }
        if let timeout = try node.optional("timeout") {
            channel.timeout = try timeout.double()
            guard channel.timeout > 0 else { throw timeout.error("must be greater than 0 seconds") }
        }
        channel.failover = try node.optional("failover")?.identifier()
        channel.sender = try node.optional("sender")?.string() ?? id
        channel.hardFailureCodes = try node.optional("hard_failure_codes")?.list().map { try $0.string() } ?? []
        if let codes = try node.optional("failure_codes") {
            for (name, list) in try codes.mapping() {
                guard let failureClass = FailureClass(rawValue: name) else {
                    throw list.error("unknown failure class '\(name)' (known: \(FailureClass.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                for code in try list.list() {
                    let text = try code.string()
                    if let other = channel.failureCodes[text], other != failureClass {
                        throw code.error("code '\(text)' is listed under both \(other.rawValue) and \(failureClass.rawValue)")
                    }
                    channel.failureCodes[text] = failureClass
                }
            }
        }
        if let price = try node.optional("unit_price") {
            channel.unitPrice = try price.double()
            guard channel.unitPrice! >= 0 else { throw price.error("must be 0 or more (the price of one segment)") }
        }
        if let overdue = try node.optional("report_overdue_after") {
            channel.reportOverdueAfter = try overdue.string().lowercased() == "none" ? nil : try overdue.duration()
        }
        return channel
    }
}

extension ConfigNode {
    /// An `http` channel's body template, whose placeholders must all be message fields.
    func gatewayBody() throws -> String {
        let text = try string()
        if let unknown = GatewayBodyTemplate(text).unknownPlaceholders.first {
            let known = GatewayBodyTemplate.Field.allCases.map { "{{\($0.rawValue)}}" }.joined(separator: ", ")
            throw error("unknown placeholder {{\(unknown)}} (known: \(known))")
        }
        return text
    }

    /// An `http://` or `https://` URL with a host.
    func httpURL() throws -> URL {
        let text = try string()
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw error("expected an http:// or https:// URL, got '\(text)'")
        }
        return url
    }
}
