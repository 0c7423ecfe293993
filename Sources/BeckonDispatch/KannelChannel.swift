import BeckonCore
import BeckonStore
import Foundation

/// Sends through Kannel's smsbox `sendsms` HTTP interface.
///
/// Kannel does not deduplicate and its reply carries no message id, so Beckon's key travels in the
/// `dlr-url` and comes back with every delivery report (`/dlr/{channel}?key=...&status=%d`).
public struct KannelChannel: Channel {
    public struct Settings: Sendable, Hashable {
        /// e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`
        public var sendsmsURL: URL
        public var username: String
        public var password: String
        public var from: String?
        /// Base of Beckon's own DLR endpoint; Kannel appends nothing, Beckon's query carries the escapes.
        public var dlrBaseURL: URL?
        public var usePOST: Bool
        public var maxParts: Int
        public var timeout: TimeInterval

        public init(sendsmsURL: URL, username: String, password: String, from: String? = nil,
                    dlrBaseURL: URL? = nil, usePOST: Bool = false, maxParts: Int = 6, timeout: TimeInterval = 10) {
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

    /// Beckon's DLR endpoint with its key and Kannel's escapes: %d status, %A SMSC answer, %T time, %F the SMSC's message id.
    func dlrURL(for key: MessageKey) -> String? {
        guard let base = settings.dlrBaseURL else { return nil }
        let separator = base.query == nil ? "?" : "&"
        // The escapes must stay literal for Kannel to substitute them, so they are appended unencoded.
        return base.absoluteString + separator + "key=" + FormEncoding.escape(key.description)
            + "&status=%d&answer=%A&from=%p&to=%P&ts=%T&provider_id=%F"
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
