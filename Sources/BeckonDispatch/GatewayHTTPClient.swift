import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP client that every gateway channel (kannel, http) sends through.
///
/// AsyncHTTPClient rather than URLSession, the stack's first choice, because of a measurement: against the
/// dispatch benchmark's loopback gateway, a bare URLSession loop with 32 tasks peaked at 1,599 requests/s
/// (0.084 of wrk's rate; FoundationNetworking and libcurl spend ~0.6 ms of CPU per request on Linux) while
/// the same loop on AsyncHTTPClient reached 7,298 (0.385), and issue #7 asks for 0.20 with the ledger and
/// receipts on. It also honours sub-second deadlines, which URLSession on Linux rounds to whole seconds.
///
/// One client for the process, never shut down (as `HTTPClient.shared`), because channels are values made
/// from configuration and tests. The pool's per-host limit is only a ceiling: each channel's concurrency
/// is enforced by its `ChannelLimiter`.
enum GatewayHTTPClient {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        // A gateway that redirects a send is misconfigured; following it could send twice.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        configuration.timeout = .init(connect: .seconds(5))
        // No tracer: with the default (the global no-op one) every request still computes its span attributes.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    enum Failure: Error {
        /// No answer within the channel's timeout: the gateway may or may not have taken the message.
        case timedOut
        /// No usable reply: refused, reset, unresolvable or unreadable. Retried like a timeout.
        case unreachable
    }

    /// Gateways answer in a few bytes; a megabyte is a misbehaving peer, not a reply.
    static let maximumBodyBytes = 1 << 20

    static func send(_ method: HTTPMethod, to url: String, headers: [(String, String)] = [], body: Data? = nil,
                     timeout: TimeInterval) async throws(Failure) -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(max(0.001, timeout) * 1_000_000_000))
        do {
            let response = try await shared.execute(request, deadline: deadline)
            let bytes = try await response.body.collect(upTo: maximumBodyBytes)
            return Response(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timedOut
        } catch {
            throw .unreachable
        }
    }
}
