import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// A real HTTP SMS gateway on loopback for tests: it accepts JSON posts at `/send`, remembers every
/// Beckon key it was given (the `Idempotency-Key` header), and misbehaves on request.
///
/// Faults come from a script consumed one request at a time, then from `defaultFault`: 500s, 429 with
/// Retry-After, slow replies, replies slower than the client's timeout, and (on `dropPort`, a second
/// listener) connections closed without any reply.
public final class LoopbackGateway: @unchecked Sendable {
    public enum Fault: Sendable, Equatable {
        case accept
        case serverError
        case throttle(retryAfter: Int)
        case slow(milliseconds: Int)
    }

    private let lock = NSLock()
    private var script: [Fault] = []
    private var counts: [String: Int] = [:]
    private var order: [String] = []
    private var serial = 0
    public var defaultFault: Fault = .accept

    public private(set) var port = 0
    /// A port that accepts connections and closes them at once: a gateway that drops the line.
    public private(set) var dropPort = 0
    private var task: Task<Void, Error>?
    private var dropChannel: (any Channel)?

    public init() {}

    public var url: URL { URL(string: "http://127.0.0.1:\(port)/send")! }
    public var droppingURL: URL { URL(string: "http://127.0.0.1:\(dropPort)/send")! }

    public func enqueue(_ faults: [Fault]) { lock.withLock { script += faults } }

    /// How many times each key reached the gateway and was accepted.
    public var acceptedCounts: [String: Int] { lock.withLock { counts } }
    public var acceptedKeys: [String] { lock.withLock { order } }

    public func start() async throws {
        let router = Router()
        router.post("/send") { [self] request, _ -> Response in
            let fault: Fault = lock.withLock { script.isEmpty ? defaultFault : script.removeFirst() }
            switch fault {
            case .serverError:
                return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"boom\"}")))
            case .throttle(let seconds):
                return Response(status: .tooManyRequests, headers: [.retryAfter: String(seconds)])
            case .slow(let milliseconds):
                try await Task.sleep(for: .milliseconds(milliseconds))
            case .accept:
                break
            }
            let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? ""
            let id: Int = lock.withLock {
                counts[key, default: 0] += 1
                order.append(key)
                serial += 1
                return serial
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: "{\"data\":{\"id\":\"gw-\(id)\"},\"code\":\"OK\"}")))
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        task = Task { try await app.run() }
        for await bound in ready.stream { port = bound; break }

        let drop = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.close() }
            .bind(host: "127.0.0.1", port: 0).get()
        dropChannel = drop
        dropPort = drop.localAddress?.port ?? 0
    }

    public func stop() async {
        task?.cancel()
        try? await dropChannel?.close()
    }
}
