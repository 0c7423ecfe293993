import BeckonCore
import BeckonStore
import Foundation

/// Sends through Kannel's smsbox `sendsms` HTTP interface.
///
/// Kannel does not deduplicate and its reply carries no message id, so the message travels in the `dlr-url`
/// and comes back with every delivery report: as an opaque `DeliveryReference` (`/dlr/{channel}?ref=...&status=%d`)
/// that needs no token in the URL and names no customer, so neither ends up in Kannel's storage and logs.
///
/// A long message reaches the handset as one SMS only when Kannel's `sendsms-user` has `concatenation = true`
/// and `max-messages` at least `max_parts`: Beckon asks for `max-messages`, but Kannel's user limit wins, and
/// with its default it cuts the text and still reports it delivered (`beckon check` warns).
public struct KannelChannel: Channel {
    public struct Settings: Sendable, Hashable {
        /// e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`
        public var sendsmsURL: URL
        public var username: String
        public var password: String
        public var from: String?
        /// Base of Beckon's own DLR endpoint, without the token; Beckon's query carries the reference and the escapes.
        public var dlrBaseURL: URL?
        /// Seals each message's key into its dlr-url; without it the URL carries the key in the clear (and the
        /// base URL must then carry the token).
        public var references: DeliveryReference?
        public var usePOST: Bool
        public var maxParts: Int
        public var timeout: TimeInterval

        public init(sendsmsURL: URL, username: String, password: String, from: String? = nil,
                    dlrBaseURL: URL? = nil, references: DeliveryReference? = nil, usePOST: Bool = false, maxParts: Int = 6,
                    timeout: TimeInterval = 10) {
            self.references = references
            self.sendsmsURL = sendsmsURL
            self.username = username
            self.password = password
            self.from = from
            self.dlrBaseURL = dlrBaseURL
            self.usePOST = usePOST
            self.maxParts = maxParts
            self.timeout = timeout
        }
    }

    public let id: String
    public let settings: Settings
    /// Kannel has no idempotency key: a resend after a crash could reach the customer twice.
    public var deduplicatesByKey: Bool { false }

    public init(id: String, settings: Settings) {
        self.id = id
        self.settings = settings
    }

    /// The sendsms parameters for one message, in a stable order (tests compare them).
    func parameters(for message: PlannedMessage) -> [URLQueryItem] {
        let encoding = SegmentCounter.count(message.text)
        var items = [
            URLQueryItem(name: "username", value: settings.username),
            URLQueryItem(name: "password", value: settings.password),
            URLQueryItem(name: "to", value: message.phone),
            URLQueryItem(name: "text", value: message.text),
        ]
        if let from = settings.from { items.append(URLQueryItem(name: "from", value: from)) }
        if encoding.encoding == .ucs2 {
            // Kannel converts from `charset` to UCS-2 when coding=2; without both it sends `?` for CJK.
            items.append(URLQueryItem(name: "coding", value: "2"))
            items.append(URLQueryItem(name: "charset", value: "UTF-8"))
        }
        if encoding.segments > 1 {
            items.append(URLQueryItem(name: "max-messages", value: String(settings.maxParts)))
        }
        if let dlrURL = dlrURL(for: message.key) {
            // 31 = delivered | undelivered | buffered | smsc success | smsc reject.
            items.append(URLQueryItem(name: "dlr-mask", value: "31"))
            items.append(URLQueryItem(name: "dlr-url", value: dlrURL))
        }
        return items
    }

    /// Beckon's DLR endpoint with the message's reference and only the escapes Beckon reads: %d the report type,
    /// %A the SMSC's answer (hard-failure codes such as 0x0b are in it), %F the SMSC's message id. Not %p/%P:
    /// Kannel would write the phone numbers into every URL it stores and logs, and Beckon has them already.
    func dlrURL(for key: MessageKey) -> String? {
        guard let base = settings.dlrBaseURL else { return nil }
        let separator = base.query == nil ? "?" : "&"
        let message = settings.references.map { "ref=" + $0.seal(key) } ?? "key=" + FormEncoding.escape(key.description)
        // The escapes must stay literal for Kannel to substitute them, so they are appended unencoded.
        return base.absoluteString + separator + message + "&status=%d&answer=%A&provider_id=%F"
    }

    /// Maps Kannel's reply (status code and body) to an outcome.
    static func outcome(key: MessageKey, httpStatus: Int, body: String, now: Date,
                        encoding: SegmentCounter.Count) -> DispatchOutcome {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let code = "\(httpStatus) \(trimmed)"
        func make(_ status: MessageStatus, reason: String? = nil, retryAt: Date? = nil) -> DispatchOutcome {
            DispatchOutcome(key: key, status: status, providerCode: code, reasonCode: reason, retryAt: retryAt,
                            segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
        switch httpStatus {
        case 202 where trimmed.hasPrefix("0"): return make(.sent)
        case 202 where trimmed.hasPrefix("3"): return make(.queued)
        case 200..<300: return make(.sent)
        case 400, 403: return make(.failed, reason: "kannel_rejected")
        default:
            // 503 and anything unexpected: the gateway may recover; the dispatcher retries with backoff.
            return make(.failed, reason: "kannel_unavailable", retryAt: now)
        }
    }

    public func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
        let encoding = SegmentCounter.count(message.text)
        if encoding.segments > settings.maxParts {
            // Never truncate: a message too long for the channel fails with the reason.
            return DispatchOutcome(key: message.key, status: .failed,
                                   reasonCode: "too_many_parts(\(encoding.segments)>\(settings.maxParts))",
                                   segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
        let query = FormEncoding.encode(parameters(for: message))
        let separator = settings.sendsmsURL.query == nil ? "?" : "&"
        do {
            let response = settings.usePOST
                ? try await GatewayHTTPClient.send(.POST, to: settings.sendsmsURL.absoluteString,
                                                   headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                                   body: Data(query.utf8), timeout: settings.timeout)
                : try await GatewayHTTPClient.send(.GET, to: settings.sendsmsURL.absoluteString + separator + query,
                                                   timeout: settings.timeout)
            return Self.outcome(key: message.key, httpStatus: response.status, body: String(decoding: response.body, as: UTF8.self),
                                now: now(), encoding: encoding)
        } catch .timedOut {
            return DispatchOutcome(key: message.key, status: .failed, providerCode: "timeout", reasonCode: "kannel_timeout",
                                   retryAt: now(), segments: encoding.segments, encoding: encoding.encoding.rawValue)
        } catch {
            // Refused or reset connections are transient.
            return DispatchOutcome(key: message.key, status: .failed, providerCode: nil,
                                   reasonCode: "kannel_unreachable", retryAt: now(),
                                   segments: encoding.segments, encoding: encoding.encoding.rawValue)
        }
    }
}
