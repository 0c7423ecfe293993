import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import Testing
@testable import BeckonDaemon

@Suite("beckon run writes the daily report beside the receipts")
struct DailyReportTests {
    func cycle(_ configuration: BeckonConfiguration, store: SQLiteStore, at instant: Date) async throws -> BeckonEngine.CycleReport {
        try await BeckonEngine(configuration: configuration, store: store, clock: FixedClock(instant),
                               fileClock: FixedClock(Date(timeIntervalSinceNow: 3600)), logger: Logger(label: "test")).runCycle()
    }

    @Test("a finished day's report is written when the next day begins, and once more the day after; its funnel is the ledger's")
    func dailyReport() async throws {
        let home = try TemporaryHome()
        try home.write(HoldoutEndToEndTests.customers, to: "customers.csv")
        let configuration = HoldoutEndToEndTests.configuration(home)
        let store = try SQLiteStore(path: configuration.database.path)
        let first = try await cycle(configuration, store: store, at: HoldoutEndToEndTests.instant)
        // The first cycle's day has not ended: nothing yet (a first run writes no report of days before it).
        #expect(first.reportFiles.isEmpty)
        let heldOut = first.heldOut.filter { $0.key.campaign == "recall" }.values.reduce(0, +)

        let nextMorning = HoldoutEndToEndTests.instant.addingTimeInterval(22 * 3_600)
        let second = try await cycle(configuration, store: store, at: nextMorning)
        #expect(second.reportFiles.map(\.lastPathComponent) == ["2026-11-24.html"])
        #expect(try await cycle(configuration, store: store, at: nextMorning.addingTimeInterval(60)).reportFiles.isEmpty)
        let html = try home.contents(of: "outbox/reports/2026-11-24.html")
        let row = try #require(html.range(of: "<tr data-campaign=\"recall\">").map { String(html[$0.lowerBound...].prefix(2_000)) })
        #expect(row.contains("data-stage=\"due\" data-count=\"\(HoldoutEndToEndTests.count)\""))
        #expect(row.contains("data-stage=\"held_out\" data-count=\"\(heldOut)\""))
        #expect(row.contains("data-stage=\"sent\" data-count=\"\(HoldoutEndToEndTests.count - heldOut)\" data-of=\"\(HoldoutEndToEndTests.count - heldOut)\""))

        let dayAfter = try await cycle(configuration, store: store, at: nextMorning.addingTimeInterval(86_400))
        #expect(dayAfter.reportFiles.map(\.lastPathComponent) == ["2026-11-24.html", "2026-11-25.html"])
    }
}
