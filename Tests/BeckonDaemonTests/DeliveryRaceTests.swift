import BeckonCore
@testable import BeckonDispatch
import BeckonServer
import BeckonStore
import Foundation
import Logging
import Prometheus
import Testing
@testable import BeckonDaemon

/// The real race: the dispatcher records each batch's outcomes while Kannel-style delivery reports come in
/// over HTTP to the server's report endpoint (the dlr-url `KannelChannel` hands out, reference and all),
/// before the gateway's reply, while it is being recorded, and after; the receipt writer ticks meanwhile.
@Suite("Delivery reports racing their batch's outcome, over real HTTP and SQLite", .serialized)
struct DeliveryRaceTests {
    static let token = "race-test-token-0123456789abcdef"
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// When a report leaves, relative to the gateway's reply to the send.
    enum Phase: CaseIterable { case beforeReply, duringRecording, afterDispatch }

    struct Plan: Sendable {
        var reports: [(type: Int, phase: Phase)]
        var timesOut: Bool
        /// What the reports say in the end (Kannel's %d: 1 delivered, 2 undelivered), if any came.
        var final: MessageStatus? { reports.compactMap { DeliveryReportStatus.kannel($0.type) }.first { $0.isFinal } }
    }

    /// A gateway that behaves like Kannel under load: some reports reach Beckon before the sendsms reply, some
    /// while the dispatcher records it; some replies time out although the message went.
    struct RacingGateway: Channel {
        let id = "kannel"
        var deduplicatesByKey: Bool { false }
        let plans: [MessageKey: Plan]
        let kannel: KannelChannel
        let inFlight: ReportTasks

        func send(_ message: PlannedMessage, now: @Sendable () -> Date) async -> DispatchOutcome {
            guard let plan = plans[message.key] else {
                Issue.record("sent \(message.key), which this round did not plan")
                return DispatchOutcome(key: message.key, status: .failed, reasonCode: "not_planned")
            }
            for report in plan.reports where report.phase == .beforeReply {
                await DeliveryRaceTests.deliver(report.type, for: message.key, through: kannel)
            }
            for report in plan.reports where report.phase == .duringRecording {
                let kannel = self.kannel
                inFlight.add(Task {
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 0...3)))
                    await DeliveryRaceTests.deliver(report.type, for: message.key, through: kannel)
                })
            }
            return plan.timesOut
                // Retry in an hour (as a Retry-After would say), so no later round of the test sends it again.
                ? DispatchOutcome(key: message.key, status: .failed, providerCode: "timeout", reasonCode: "kannel_timeout",
                                  retryAt: now().addingTimeInterval(3600))
                : DispatchOutcome(key: message.key, status: .sent, providerCode: "202 0: Accepted for delivery")
        }
    }

    final class ReportTasks: @unchecked Sendable {
        private let lock = NSLock()
        private var tasks: [Task<Void, Never>] = []
        func add(_ task: Task<Void, Never>) { lock.withLock { tasks.append(task) } }
        /// The endpoint's answers so far ("applied", "held", ...), counted: the test checks the race happened.
        static let answers = Answers()
        func waitAll() async {
            let all = lock.withLock { tasks }
            for task in all { await task.value }
        }
    }

    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func note(_ answer: String) { lock.withLock { counts[answer, default: 0] += 1 } }
        var all: [String: Int] { lock.withLock { counts } }
    }

    /// Calls the dlr-url as Kannel does: its escapes substituted, no token.
    static func deliver(_ type: Int, for key: MessageKey, through kannel: KannelChannel) async {
        let url = kannel.dlrURL(for: key)!.replacingOccurrences(of: "%d", with: String(type))
            .replacingOccurrences(of: "%A", with: type == 1 ? "ACK%2F" : "NACK%2F0x0b").replacingOccurrences(of: "%F", with: "smsc-\(key.customer)")
        do {
            let response = try await GatewayHTTPClient.send(.GET, to: url, timeout: 10)
            let body = String(decoding: response.body, as: UTF8.self)
            ReportTasks.answers.note(body.trimmingCharacters(in: .newlines))
            #expect(response.status == 200 && ["applied\n", "held\n", "no_change\n", "duplicate\n"].contains(body), "\(url): \(body)")
        } catch {
            Issue.record("report \(type) for \(key): \(error)")
        }
    }

    @Test("20 seeded rounds of 12 messages: one sent event per message, the reports' final state, receipts and summary.json agree after the next tick")
    func raceRounds() async throws {
        let home = try TemporaryHome()
        let store = try SQLiteStore(path: home.root.appendingPathComponent("var/beckon.sqlite").path)
        let server = BeckonHTTPServer(settings: .init(port: 0, token: Self.token, endpoints: [ReportEndpoint(channel: "kannel", dialect: .kannel)]),
                                      store: store, registry: PrometheusCollectorRegistry(), clock: SystemClock(), logger: Logger(label: "test"))
        let ready = AsyncStream<Int>.makeStream()
        let serverTask = Task { try await server.application(onServerRunning: { ready.continuation.yield($0) }).run() }
        defer { serverTask.cancel() }
        var port = 0
        for await bound in ready.stream { port = bound; break }
        let kannel = KannelChannel(id: "kannel", settings: .init(
            sendsmsURL: URL(string: "http://127.0.0.1:9/cgi-bin/sendsms")!, username: "u", password: "p",
            dlrBaseURL: URL(string: "http://127.0.0.1:\(port)/dlr/kannel")!, references: DeliveryReference(token: Self.token)))
        let receipts = ReceiptWriter(folder: home.outbox.appendingPathComponent("receipts"), timeZone: Self.shanghai, ledger: store)
        let started = Date()
        var generator = SplitMix(seed: 2026)

        for round in 0..<20 {
            let now = Date()
            var plans: [MessageKey: Plan] = [:]
            var messages: [PlannedMessage] = []
            for index in 0..<12 {
                let key = MessageKey(campaign: "race\(round)", wave: 0, customer: "C\(index)", localDate: LocalDate(now, in: Self.shanghai))
                var reports: [(type: Int, phase: Phase)] = []
                if generator.next() % 7 != 0 {
                    // The SMSC ack and the handset's report, sometimes repeated, in any order and phase.
                    var types = [8, generator.next() % 4 == 0 ? 2 : 1]
                    if generator.next() % 3 == 0 { types.append(types[Int(generator.next() % 2)]) }
                    types.shuffle(using: &generator)
                    for type in types { reports.append((type: type, phase: Phase.allCases[Int(generator.next() % 3)])) }
                }
                plans[key] = Plan(reports: reports, timesOut: generator.next() % 5 == 0)
                messages.append(PlannedMessage(key: key, category: .transactional, phone: "+86138001380\(String(format: "%02d", index))",
                                               channel: "kannel", text: "hi", sendAt: now.addingTimeInterval(-1),
                                               validUntil: now.addingTimeInterval(86_400), reason: "r"))
            }
            _ = try store.schedule(messages, at: now)
            let inFlight = ReportTasks()
            let dispatcher = Dispatcher(ledger: store, channels: [RacingGateway(plans: plans, kannel: kannel, inFlight: inFlight)],
                                        clock: SystemClock(), batchSize: 4, logger: Logger(label: "test"))
            // The daemon's tick keeps writing receipts while the reports land.
            let ticking = Task {
                while !Task.isCancelled {
                    _ = try? receipts.writeChanged()
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            var summary = Dispatcher.Summary()
            try await dispatcher.dispatchDue(into: &summary)
            for (key, plan) in plans.sorted(by: { $0.key.customer < $1.key.customer }) {
                for report in plan.reports where report.phase == .afterDispatch { await Self.deliver(report.type, for: key, through: kannel) }
            }
            await inFlight.waitAll()
            ticking.cancel()
            _ = await ticking.value

            var events: [MessageKey: [MessageStatus]] = [:]
            for event in try store.receiptEvents(in: DateInterval(start: now.addingTimeInterval(-1), end: Date().addingTimeInterval(1)))
            where event.key.campaign == "race\(round)" {
                events[event.key, default: []].append(event.status)
            }
            for (key, plan) in plans {
                let entry = try #require(try store.entry(for: key))
                if let final = plan.final {
                    #expect(events[key] == [.sent, final], "round \(round) \(key): \(plan.reports) timeout \(plan.timesOut)")
                    #expect(entry.status == final, "round \(round) \(key)")
                } else {
                    #expect(events[key] ?? [] == (plan.timesOut ? [] : [.sent]), "round \(round) \(key)")
                    #expect(entry.status == (plan.timesOut ? .scheduled : .sent), "round \(round) \(key)")
                }
            }

            // The next tick: every file and summary.json agree with the store and with each other.
            _ = try receipts.writeChanged()
            let stored = try store.receiptEvents(in: DateInterval(start: started.addingTimeInterval(-1), end: Date().addingTimeInterval(1)))
            var rows: [String] = []
            for day in Set(stored.map { LocalDate($0.eventAt, in: Self.shanghai) }) {
                let folder = try ReceiptDay(folder: home.outbox.appendingPathComponent("receipts/\(day)"))
                folder.expectConsistent()
                rows += folder.rows.map { "\($0.key) \($0.status)" }
            }
            #expect(rows.sorted() == stored.map { "\($0.key) \($0.status.rawValue)" }.sorted(), "round \(round)")
        }
        // The race did happen: reports found their message in flight, and after it was settled.
        let answers = ReportTasks.answers.all
        #expect((answers["held"] ?? 0) > 20 && (answers["applied"] ?? 0) > 20 && (answers["no_change"] ?? 0) + (answers["duplicate"] ?? 0) > 0, "\(answers)")
    }
}
