import BeckonConfig
import BeckonCore
@testable import BeckonDispatch
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

@Suite("Receipts always current: every hour that gained events, within one tick, across restarts")
struct ReceiptsCatchUpTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static func at(_ text: String) -> Date { ISOInstant.parse(text, defaultZone: .gmt)! }

    static func message(_ customer: String, at sendAt: Date) -> PlannedMessage {
        PlannedMessage(key: MessageKey(campaign: "notice", wave: 0, customer: customer, localDate: LocalDate(sendAt, in: shanghai)),
                       category: .transactional, phone: "+8613800138000", channel: "kannel", text: "hi", variant: "A",
                       sendAt: sendAt, validUntil: sendAt.addingTimeInterval(86_400), reason: "r")
    }

    /// Every receipt event of a local day in the store, as (key, status), to compare with the files.
    static func storeRows(_ store: SQLiteStore, day: LocalDate, in zone: TimeZone) throws -> [String] {
        try store.receiptEvents(in: DateInterval(start: day.start(in: zone), end: day.adding(days: 1).start(in: zone)))
            .map { "\($0.key) \($0.status.rawValue)" }.sorted()
    }

    @Test("reports, planning decisions and sends in other hours all reach their files at the next write; a restarted writer catches up")
    func catchesUp() throws {
        let home = try TemporaryHome()
        let path = home.root.appendingPathComponent("var/beckon.sqlite").path
        let folder = home.outbox.appendingPathComponent("receipts")
        let sent = Self.at("2026-11-24T10:05:00+08:00")
        do {
            let store = try SQLiteStore(path: path)
            let messages = ["C1", "C2", "C3"].map { Self.message($0, at: sent) }
            _ = try store.schedule(messages, at: sent)
            try store.markPending(messages.map(\.key), at: sent)
            try store.record(messages.map { DispatchOutcome(key: $0.key, status: .sent, providerCode: "202 0: Accepted for delivery") }, at: sent)
            let writer = ReceiptWriter(folder: folder, timeZone: Self.shanghai, ledger: store)
            #expect(try writer.writeChanged().map(\.lastPathComponent) == ["receipts-2026-11-24T10.csv", "summary.json"])
            #expect(try writer.writeChanged().isEmpty, "nothing new: nothing written")

            // Then, with no dispatch at all: reports in hour 11 and hour 10, a planning decision in hour 9.
            let key = messages.map(\.key)
            _ = try store.apply(DeliveryReport(channel: "kannel", key: key[0], status: .delivered, providerCode: "1", at: Self.at("2026-11-24T11:20:00+08:00")))
            _ = try store.apply(DeliveryReport(channel: "kannel", key: key[1], status: .delivered, providerCode: "1", at: Self.at("2026-11-24T11:40:00+08:00")))
            _ = try store.apply(DeliveryReport(channel: "kannel", key: key[2], status: .undelivered, providerCode: "2", at: Self.at("2026-11-24T10:50:00+08:00")))
            _ = try store.recordDecided([DecidedMessage(message: Self.message("C9", at: sent), status: .suppressed, reasonCode: "opted_out")],
                                    at: Self.at("2026-11-24T09:59:00+08:00"))
            // The process stops here, before any writer saw them.
        }
        let store = try SQLiteStore(path: path)
        let restarted = ReceiptWriter(folder: folder, timeZone: Self.shanghai, ledger: store)
        #expect(try restarted.writeChanged().map(\.lastPathComponent)
                == ["receipts-2026-11-24T09.csv", "receipts-2026-11-24T10.csv", "receipts-2026-11-24T11.csv", "summary.json"])
        let day = try ReceiptDay(folder: folder.appendingPathComponent("2026-11-24"))
        day.expectConsistent()
        #expect(day.rows.map { "\($0.key) \($0.status)" }.sorted() == (try Self.storeRows(store, day: LocalDate(iso: "2026-11-24")!, in: Self.shanghai)))
        #expect(day.rowTotals == ["sent": 3, "delivered": 2, "undelivered": 1, "suppressed": 1])
        #expect(try restarted.writeChanged().isEmpty)
    }

    @Test("the repeated hour of a fall-back night is one file with both hours' events, and the summary agrees")
    func fallBack() throws {
        let home = try TemporaryHome()
        let store = try SQLiteStore(path: home.root.appendingPathComponent("var/beckon.sqlite").path)
        let newYork = TimeZone(identifier: "America/New_York")!
        let daylight = Self.at("2026-11-01T05:30:00Z"), standard = Self.at("2026-11-01T06:30:00Z")  // 01:30 EDT, then 01:30 EST
        for (customer, instant) in [("C1", daylight), ("C2", standard)] {
            _ = try store.recordDecided([DecidedMessage(message: Self.message(customer, at: instant), status: .dropped, reasonCode: "lower_priority")], at: instant)
        }
        let folder = home.outbox.appendingPathComponent("receipts")
        let written = try ReceiptWriter(folder: folder, timeZone: newYork, ledger: store).writeChanged()
        #expect(written.map(\.lastPathComponent) == ["receipts-2026-11-01T01.csv", "summary.json"])
        let day = try ReceiptDay(folder: folder.appendingPathComponent("2026-11-01"))
        day.expectConsistent()
        #expect(day.rows.count == 2)
    }

    @Test("the daemon's tick writes the hour a delivery report reached after the cycle that sent it")
    func cycleWritesReportHours() async throws {
        let home = try TemporaryHome()
        try home.write("customer_id,name,phone,birthday\nC1,王芳,13800138001,1990-11-24\n", to: "customers.csv")
        var campaign = Campaign(id: "birthday", name: "Birthday", category: .care, trigger: .birthday(BirthdayRule()),
                                template: try MessageTemplate("【Beckon】{{name}}，生日快乐！"))
        campaign.policy.window = TimeWindow(parsing: "10:00-10:01")!
        let configuration = home.configuration(campaigns: [campaign])
        let store = try SQLiteStore(path: configuration.database.path)
        let sent = Self.at("2026-11-24T10:00:59+08:00")
        func engine(at instant: Date) throws -> BeckonEngine {
            try BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                             fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test"))
        }
        let first = try await engine(at: sent).runCycle()
        #expect(first.dispatch.sent == 1)
        #expect(first.receiptFiles.map(\.lastPathComponent) == ["receipts-2026-11-24T10.csv", "summary.json"])
        // The report comes through the server an hour later, between two ticks.
        let key = MessageKey(campaign: "birthday", wave: 0, customer: "C1", localDate: LocalDate(iso: "2026-11-24")!)
        #expect(try store.apply(DeliveryReport(channel: "outbox", key: key, status: .delivered, at: Self.at("2026-11-24T11:15:00+08:00")))
                == .applied(key, .delivered))
        let tick = try await engine(at: Self.at("2026-11-24T11:15:05+08:00")).runCycle()
        #expect(tick.dispatch.sent == 0)
        #expect(tick.receiptFiles.map(\.lastPathComponent) == ["receipts-2026-11-24T11.csv", "summary.json"])
        let day = try ReceiptDay(folder: home.outbox.appendingPathComponent("receipts/2026-11-24"))
        day.expectConsistent()
        #expect(day.rows.map(\.status) == ["sent", "delivered"])
    }
}
