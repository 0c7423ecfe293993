import BeckonCore
import Foundation
import Testing

/// The heat map places each quarter hour in the customer's zone with that instant's offset.
struct ReportHeatMapTests {
    static func cells(_ buckets: [ReportRows.TimeBucket]) -> [[Int]] {
        var rows = ReportRows()
        rows.timeBuckets = buckets
        let assembler = ReportAssembler(settings: .init(defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!))
        let period = ReportPeriod(from: LocalDate(iso: "2026-03-01")!, to: LocalDate(iso: "2026-03-31")!)
        return assembler.figures(rows, period: period, generatedAt: Date(timeIntervalSince1970: 0)).heatMaps.first { $0.event == .delivered }!.cells
    }

    static func quarter(_ iso: String) -> Int64 { Int64(ISOInstant.parse(iso, defaultZone: .gmt)!.timeIntervalSince1970 / 900) }

    @Test func berlinSpringForwardMovesTheLocalHour() {
        // Berlin leaves CET at 01:00 UTC on Sunday 29 March 2026: 00:50 UTC is 01:50 local, 01:10 UTC is 03:10 local.
        let cells = Self.cells([
            .init(event: .delivered, zone: "Europe/Berlin", phonePrefix: "", quarterHour: Self.quarter("2026-03-29T00:45:00Z"), count: 2),
            .init(event: .delivered, zone: "Europe/Berlin", phonePrefix: "", quarterHour: Self.quarter("2026-03-29T01:00:00Z"), count: 5),
        ])
        #expect(cells[6][1] == 2 && cells[6][3] == 5 && cells[6][2] == 0)
    }

    @Test func aCustomerWithoutAZoneTakesTheNumbersCountryThenTheDefault() {
        // 2026-03-02 is a Monday; 23:30 UTC is 05:00 Tuesday in Kolkata (+05:30), 07:30 Tuesday in Shanghai.
        let at = Self.quarter("2026-03-02T23:30:00Z")
        let cells = Self.cells([
            .init(event: .delivered, zone: nil, phonePrefix: "+9198", quarterHour: at, count: 1),
            .init(event: .delivered, zone: nil, phonePrefix: "+1415", quarterHour: at, count: 4),
        ])
        #expect(cells[1][5] == 1 && cells[1][7] == 4)
    }
}
