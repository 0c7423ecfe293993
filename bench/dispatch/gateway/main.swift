import Foundation
import Hummingbird

/// A minimal SMS gateway for the dispatch benchmark: accepts `POST /send` and answers with a provider id,
/// as fast as Hummingbird can. wrk and Beckon are measured against this same process.
///
/// Usage: beckon-bench-gateway PORT
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 9090
let counter = Counter()

let router = Router()
router.post("/send") { request, _ -> Response in
    // Read the body as a real gateway would, then answer.
    var request = request
    _ = try await request.collectBody(upTo: 64 * 1024)
    let id = counter.next()
    return Response(status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "{\"data\":{\"id\":\"gw-\(id)\"},\"code\":\"OK\"}")))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-gateway"))
try await app.runService()

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
