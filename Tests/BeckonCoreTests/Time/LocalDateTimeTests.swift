import BeckonCore
import Foundation
import Testing

@Suite("Wall-clock times resolved to instants, across DST")
struct LocalDateTimeTests {
    static func instant(_ date: String, _ hour: Int, _ minute: Int, in zone: String) -> String {
        let local = LocalDateTime(date: LocalDate(iso: date)!, time: LocalTime(hour: hour, minute: minute))
        return ISOInstant.format(local.instant(in: TimeZone(identifier: zone)!), in: .gmt)
    }

    @Test("ordinary times, a spring-forward gap (the instant after the jump) and a fall-back overlap (the first one)")
    func rules() {
        #expect(Self.instant("2026-11-24", 10, 0, in: "Asia/Shanghai") == "2026-11-24T02:00:00Z")
        #expect(Self.instant("2026-07-01", 12, 0, in: "America/New_York") == "2026-07-01T16:00:00Z")
        // 02:30 does not happen on 2026-03-08 in New York: clocks jump from 02:00 EST to 03:00 EDT.
        #expect(Self.instant("2026-03-08", 2, 30, in: "America/New_York") == "2026-03-08T07:00:00Z")
        // 01:30 happens twice on 2026-11-01 in New York: first in EDT (UTC-4).
        #expect(Self.instant("2026-11-01", 1, 30, in: "America/New_York") == "2026-11-01T05:30:00Z")
        // The day before and after a change take the shortcut of one offset; the change's own day does not.
        #expect(Self.instant("2026-03-07", 2, 30, in: "America/New_York") == "2026-03-07T07:30:00Z")
        #expect(Self.instant("2026-03-09", 2, 30, in: "America/New_York") == "2026-03-09T06:30:00Z")
        #expect(Self.instant("2026-04-05", 2, 30, in: "Pacific/Auckland") == "2026-04-04T13:30:00Z")
    }

    @Test("every half hour of 2026 that exists on the wall clock comes back as itself", arguments: ["America/New_York", "Europe/Berlin", "Pacific/Auckland"])
    func roundTrip(zone identifier: String) {
        let zone = TimeZone(identifier: identifier)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let first = LocalDate(iso: "2026-01-01")!.dayNumber
        for day in first..<(first + 365) {
            let date = LocalDate(dayNumber: day)
            for minute in stride(from: 0, to: 24 * 60, by: 30) {
                let local = LocalDateTime(date: date, time: LocalTime(minuteOfDay: minute))
                let back = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: local.instant(in: zone))
                let wall = LocalDateTime(date: LocalDate(iso: String(format: "%04d-%02d-%02d", back.year!, back.month!, back.day!))!,
                                         time: LocalTime(hour: back.hour!, minute: back.minute!))
                // Only a time inside a spring-forward gap may come back different (as the first time after it).
                if wall != local {
                    #expect(wall > local && wall.date == local.date, "\(local) in \(identifier) came back as \(wall)")
                }
            }
        }
    }
}
