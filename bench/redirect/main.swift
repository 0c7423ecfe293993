import BeckonCore
import BeckonServer
import BeckonStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

// The redirect benchmark's two servers (bench/redirect/run.sh runs wrk against each in turn):
//
//   beckon-bench-redirect static PORT            a static Hummingbird route: GET /{token} -> a fixed 302
//   beckon-bench-redirect links PORT DB TOKENS [N] [delivered]
//                                                Beckon's redirect listener over DB, with N sent messages'
//                                                links, their tokens written one a line to TOKENS; with
//                                                `delivered`, each message has its delivery report (a settled
//                                                link, which the listener keeps in memory once asked for)
//
// Both stop on SIGTERM; the listener writes its last clicks first.
let arguments = CommandLine.arguments
guard arguments.count >= 3, let port = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: beckon-bench-redirect static PORT | links PORT DB TOKENS [N]\n".utf8))
    exit(64)
}
var logger = Logger(label: "bench")
logger.logLevel = .warning

switch arguments[1] {
case "static":
    let router = Router()
    router.get("/{token}") { _, _ in
        Response(status: .found, headers: [.location: "https://shop.example/spring", .cacheControl: "no-store", .contentLength: "0"])
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    try await ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm], logger: logger)).run()
case "links":
    guard arguments.count >= 5 else { exit(64) }
    let count = arguments.count > 5 ? Int(arguments[5]) ?? 10_000 : 10_000
    let store = try SQLiteStore(path: arguments[3])
    let sentAt = Date().addingTimeInterval(-3600)
    var generator = SystemRandomNumberGenerator()
    var tokens: [String] = []
    var messages: [PlannedMessage] = []
    for n in 0..<count {
        let token = LinkToken.random(length: 7, using: &generator)
        tokens.append(token)
        let key = MessageKey(campaign: "spring", wave: 0, customer: "C\(n)", localDate: LocalDate(iso: "2026-03-05")!)
        messages.append(PlannedMessage(key: key, category: .marketing, phone: "+86138\(String(format: "%08d", n))", channel: "sms",
                                       text: "看看 https://m.brand.cn/\(token)", sendAt: sentAt, validUntil: sentAt.addingTimeInterval(7200),
                                       reason: "spring", links: [TrackedLink(token: token, target: "https://shop.example/spring",
                                                                             url: "https://m.brand.cn/\(token)", scope: .perMessage,
                                                                             expiresAt: sentAt.addingTimeInterval(60 * 86_400))]))
    }
    _ = try store.schedule(messages, at: sentAt)
    try store.markPending(messages.map(\.key), at: sentAt)
    try store.record(messages.map { DispatchOutcome(key: $0.key, status: .sent, providerID: nil, channel: "sms") }, at: sentAt)
    if arguments.count > 6, arguments[6] == "delivered" {
        for message in messages {
            _ = try store.apply(DeliveryReport(channel: "sms", key: message.key, providerID: nil, part: "", status: .delivered,
                                               providerCode: "DELIVRD", at: sentAt.addingTimeInterval(10)))
        }
    }
    // Tokens as stored (a collision would have been drawn again).
    let stored = try messages.map { try store.linkTokens(of: $0.key).values.first ?? "" }
    try Data((stored.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: arguments[4]))
    let recorder = ClickRecorder(store: store, logger: logger)
    let server = LinkRedirectServer(settings: .init(port: port), store: store, clock: SystemClockForBench(), recorder: recorder, logger: logger)
    try await ServiceGroup(configuration: .init(services: [recorder, server.application()], gracefulShutdownSignals: [.sigterm],
                                                logger: logger)).run()
default:
    exit(64)
}

struct SystemClockForBench: WallClock {
    var now: Date { Date() }
}
