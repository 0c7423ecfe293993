import BeckonCore
import Foundation
import Testing

@Suite("Lunar calendar")
struct LunarCalendarTests {
    let lunar = LunarCalendar.shared

    @Test("every day of 1950-2100 round-trips, and agrees with Foundation's Chinese calendar")
    func roundTrip() {
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let first = LocalDate(year: 1950, month: 1, day: 1)!.dayNumber
        let last = LocalDate(year: 2100, month: 12, day: 31)!.dayNumber
        var failures = 0
        for number in first...last {
            let day = LocalDate(dayNumber: number)
            guard let converted = lunar.lunar(day), lunar.solar(converted) == day else { failures += 1; continue }
            // Spot-check against Foundation every 97 days (the table was derived from it at month starts only).
            if number % 97 == 0 {
                let c = calendar.dateComponents([.month, .day], from: Date(timeIntervalSince1970: Double(number) * 86_400 + 4 * 3600))
                if c.month != converted.month || c.day != converted.day || (c.isLeapMonth ?? false) != converted.isLeapMonth { failures += 1 }
            }
        }
        #expect(failures == 0)
    }

    @Test("known conversions, leap months and missing days", arguments: [
        ("2023-04-05", "2023-L02-15"), ("2026-02-17", "2026-01-01"), ("2025-01-29", "2025-01-01"),
        ("2024-02-09", "2023-12-30"), ("2025-01-28", "2024-12-29"), ("2020-05-23", "2020-L04-01"), ("1990-03-05", "1990-02-09"),
    ])
    func known(solar: String, expected: String) {
        #expect(lunar.lunar(LocalDate(iso: solar)!)?.description == expected)
        #expect(lunar.solar(LunarDate(parsing: expected)!) == LocalDate(iso: solar))
    }

    @Test("dates that do not exist are refused")
    func missing() {
        #expect(lunar.solar(LunarDate(parsing: "2024-L02-01")!) == nil) // 2024 has no leap month
        #expect(lunar.solar(LunarDate(parsing: "2024-12-30")!) == nil)  // the 12th month of 2024 has 29 days
        #expect(LunarDate(parsing: "2024-13-01") == nil)
    }

    @Test("a lunar birthday on the 30th falls back to the 29th in a 29-day month; leap-month births keep the regular month")
    func lunarBirthdays() {
        // 12th month of lunar 2023 has 30 days (eve 2024-02-09); of lunar 2024, 29 (eve 2025-01-28).
        #expect(lunar.anniversary(month: 12, day: 30, in: 2023) == LocalDate(iso: "2024-02-09"))
        #expect(lunar.anniversary(month: 12, day: 30, in: 2024) == LocalDate(iso: "2025-01-28"))
        #expect(lunar.anniversary(month: 2, day: 15, in: 2023) == LocalDate(iso: "2023-03-06"))
    }

    @Test("a customer with a lunar birthday gets it on that lunar date each year")
    func lunarBirthdayRule() {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        // Born 1990-03-05 = lunar 1990-02-09; in 2026 lunar 02-09 is 2026-03-27.
        let customer = Customer(id: "C1", name: "王芳", phone: "+8613800138000", birthday: LocalDate(iso: "1990-03-05"), birthdayIsLunar: true)
        let window = DateInterval(start: LocalDate(iso: "2026-01-01")!.start(in: zone), end: LocalDate(iso: "2026-12-31")!.start(in: zone))
        let days = BirthdayRule().occurrences(for: customer, in: window, timeZone: zone, context: CalendarContext()).map(\.localDate)
        #expect(days == [LocalDate(iso: "2026-03-27")!])
    }
}
