import BeckonCore
import BeckonStore
import Foundation

/// A generic HTTP SMS gateway described entirely in configuration: a JSON or form POST whose body is a
/// template, with Beckon's message key as the provider's client reference.
///
/// `deduplicatesByKey` is a setting because only the provider knows whether it drops a second request with
/// the same client reference; claiming it wrongly would let a crash double-send.
public struct HTTPGatewayChannel: Channel {
    public enum BodyFormat: String, Sendable, Hashable { case json, form }

    public struct Settings: Sendable, Hashable {
        public var url: URL
        public var headers: [String: String]
        public var format: BodyFormat
        /// Placeholders `{{key}}`, `{{phone}}`, `{{text}}`, `{{campaign}}`, `{{customer}}`, `{{variant}}`, escaped for
        /// `format` (see `GatewayBodyTemplate`).
        /// The template is JSON or `a=b&c=d` text with placeholders in value positions.
        public var bodyTemplate: String
        /// Dot path of the provider's message id in a JSON response, e.g. `data.id`.
        public var providerIDPath: String?
        /// Dot path of the provider's status in a JSON response; absent means HTTP 2xx is success.
        public var statusPath: String?
        /// Provider statuses that mean accepted; others are failures.
        public var acceptedStatuses: Set<String>
        /// Provider statuses that are worth retrying.
        public var transientStatuses: Set<String>
        public var deduplicatesByKey: Bool
        public var maxParts: Int
        public var timeout: TimeInterval

        public init(url: URL, headers: [String: String] = [:], format: BodyFormat = .json, bodyTemplate: String,
                    providerIDPath: String? = nil, statusPath: String? = nil, acceptedStatuses: Set<String> = [],
                    transientStatuses: Set<String> = [], deduplicatesByKey: Bool = false, maxParts: Int = 6,
                    timeout: TimeInterval = 10) {
            self.url = url
            self.headers = headers
            self.format = format
            self.bodyTemplate = bodyTemplate
            self.providerIDPath = providerIDPath
            self.statusPath = statusPath
            self.acceptedStatuses = acceptedStatuses
            self.transientStatuses = transientStatuses
            self.deduplicatesByKey = deduplicatesByKey
            self.maxParts = maxParts
            self.timeout = timeout
        }
    }

    public let id: String
    public let settings: Settings
    public var deduplicatesByKey: Bool { settings.deduplicatesByKey }
    /// The body template split once into literal text and placeholders, so each message costs one pass.
    let bodyParts: [GatewayBodyTemplate.Part]

    /// The request headers, made once: the content type, then the configured ones.
    let headers: [(String, String)]

    public init(id: String, settings: Settings) {
        self.id = id
        self.settings = settings
        bodyParts = GatewayBodyTemplate(settings.bodyTemplate).parts
        headers = [("Content-Type", settings.format == .json ? "application/json; charset=utf-8" : "application/x-www-form-urlencoded")]
            + settings.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }


    /// The request body for one message. Hand-written substitution rather than a template engine because
    /// the escaping differs per format (JSON string escapes vs. form percent-encoding) and the placeholder
    /// set is fixed.
    func body(for message: PlannedMessage) -> Data {
        var body = ""
        body.reserveCapacity(settings.bodyTemplate.utf8.count + message.text.utf8.count * 2)
        for part in bodyParts {
            switch part {
            case .literal(let text): body += text
            case .field(let field):
                let value: String
                switch field {
                case .key: value = message.key.description
                case .phone: value = message.phone
                case .text: value = message.text
                case .campaign: value = message.key.campaign
                case .customer: value = message.key.customer
                case .variant: value = message.variant
                }
                body += escape(value)
            }
        }
        return Data(body.utf8)
    }

    private func escape(_ value: String) -> String {
        switch settings.format {
        case .json: return JSONString.escaped(value)
        case .form: return FormEncoding.escape(value)
        }
    }

    /// Reads a dot path (`data.items.0.id`) from a JSON value.
    static func value(at path: String, in json: Any) -> String? {
        var current: Any? = json
        for component in path.split(separator: ".") {
            if let object = current as? [String: Any] { current = object[String(component)] }
            else if let array = current as? [Any], let index = Int(component), array.indices.contains(index) { current = array[index] }
            else { return nil }
        }
        switch current {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// Maps the provider's reply to an outcome.
    func outcome(key: MessageKey, httpStatus: Int, retryAfter: String?, body: Data, now: Date,
                 encoding: SegmentCounter.Count) -> DispatchOutcome {
        func make(_ status: MessageStatus, id: String? = nil, code: String, reason: String? = nil,
                  retryAt: Date? = nil) -> DispatchOutcome {
            DispatchOutcome(key: key, status: status, providerID: id, providerCode: code, reasonCode: reason,
                            retryAt: retryAt, segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
        if httpStatus == 429 || (500..<600).contains(httpStatus) {
            // Retry-After in seconds (RFC 9110 §10.2.3); an HTTP date is rare for SMS APIs, so it falls back.
            let delay = retryAfter.flatMap(TimeInterval.init) ?? 0
            return make(.failed, code: String(httpStatus), reason: "http_transient", retryAt: now.addingTimeInterval(delay))
        }
        guard (200..<300).contains(httpStatus) else {
            return make(.failed, code: String(httpStatus), reason: "http_rejected")
        }
        let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        let providerID = json.flatMap { json in settings.providerIDPath.flatMap { Self.value(at: $0, in: json) } }
        if let statusPath = settings.statusPath {
            let status = json.flatMap { Self.value(at: statusPath, in: $0) } ?? ""
            if settings.acceptedStatuses.contains(status) {
                return make(.sent, id: providerID, code: status)
            }
            if settings.transientStatuses.contains(status) {
                return make(.failed, id: providerID, code: status, reason: "provider_transient",
                            retryAt: now)
            }
            return make(.failed, id: providerID, code: status, reason: "provider_rejected")
        }
        return make(.sent, id: providerID, code: String(httpStatus))
    }

    public func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
        let encoding = SegmentCounter.count(message.text)
        guard encoding.segments <= settings.maxParts else {
            return DispatchOutcome(key: message.key, status: .failed,
                                   reasonCode: "too_many_parts(\(encoding.segments)>\(settings.maxParts))",
                                   segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
        // The key as idempotency key: providers that honour it drop a repeat (see `deduplicatesByKey`).
        let headers = self.headers + [("Idempotency-Key", message.key.description)]
        do {
            let response = try await GatewayHTTPClient.send(.POST, to: settings.url.absoluteString, headers: headers,
                                                            body: body(for: message), timeout: settings.timeout)
            return outcome(key: message.key, httpStatus: response.status, retryAfter: response.headers.first(name: "Retry-After"),
                           body: response.body, now: now(), encoding: encoding)
        } catch .timedOut {
            return DispatchOutcome(key: message.key, status: .failed, providerCode: "timeout", reasonCode: "http_timeout",
                                   retryAt: now(), segments: encoding.segments, encoding: encoding.encoding.rawValue)
        } catch {
            return DispatchOutcome(key: message.key, status: .failed, reasonCode: "http_unreachable", retryAt: now(),
                                   segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
    }
}
