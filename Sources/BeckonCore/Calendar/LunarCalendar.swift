import Foundation

/// A date in the Chinese lunisolar calendar; `year` is the Gregorian year in which that lunar year begins.
public struct LunarDate: Hashable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var isLeapMonth: Bool
    public var day: Int

    public init(year: Int, month: Int, isLeapMonth: Bool = false, day: Int) {
        self.year = year
        self.month = month
        self.isLeapMonth = isLeapMonth
        self.day = day
    }

    /// `YYYY-MM-DD`, with `L` before a leap month: `2023-L02-15`.
    public var description: String {
        String(format: "%04d-%@%02d-%02d", year, isLeapMonth ? "L" : "", month, day)
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]) else { return nil }
        let leap = parts[1].hasPrefix("L")
        guard let month = Int(leap ? String(parts[1].dropFirst()) : parts[1]), (1...12).contains(month),
              let day = Int(parts[2]), (1...30).contains(day) else { return nil }
        self.init(year: year, month: month, isLeapMonth: leap, day: day)
    }
}

/// Conversions between Gregorian and Chinese lunar dates, 1900-2100, by table lookup.
///
/// The table of lunar months (start day and length) is derived once from Foundation's Chinese calendar,
/// probing only where each month begins (about 2,500 calls), so that a conversion is a binary search and
/// scanning a million customers' lunar birthdays costs no calendar calls at all.
public struct LunarCalendar: Sendable {
    public struct Month: Hashable, Sendable {
        public var year: Int
        public var month: Int
        public var isLeap: Bool
        /// `LocalDate.dayNumber` of its first day.
        public var start: Int
        public var length: Int
    }

    public let months: [Month]
    /// Index in `months` of each lunar year's first month, by Gregorian year.
    let yearStart: [Int: Int]

    public static let range = 1900...2100

    /// The table, built on first use (about 20 ms).
    public static let shared = LunarCalendar()

    init() {
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        func components(_ day: Int) -> (month: Int, leap: Bool, day: Int) {
            // Noon Beijing time: the Chinese calendar's days are Beijing days.
            let date = Date(timeIntervalSince1970: Double(day) * 86_400 + 4 * 3600)
            let c = calendar.dateComponents([.month, .day], from: date)
            return (c.month!, c.isLeapMonth ?? false, c.day!)
        }
        // Start at the lunar new year of 1900 (1900-01-31) and walk month starts: each month has 29 or 30 days.
        var start = LocalDate(year: 1900, month: 1, day: 31)!.dayNumber
        var year = 1899
        var months: [Month] = []
        var yearStart: [Int: Int] = [:]
        let end = LocalDate(year: Self.range.upperBound + 1, month: 3, day: 1)!.dayNumber
        while start < end {
            let here = components(start)
            let length = components(start + 29).day == 1 ? 29 : 30
            if here.month == 1 && !here.leap {
                year += 1
                yearStart[year] = months.count
            }
            months.append(Month(year: year, month: here.month, isLeap: here.leap, start: start, length: length))
            start += length
        }
        self.months = months
        self.yearStart = yearStart
    }

    /// The lunar date of a Gregorian day, or nil outside the table.
    public func lunar(_ date: LocalDate) -> LunarDate? {
        let day = date.dayNumber
        guard let first = months.first, let last = months.last, day >= first.start, day < last.start + last.length else { return nil }
        var low = 0, high = months.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if months[mid].start <= day { low = mid } else { high = mid - 1 }
        }
        let month = months[low]
        return LunarDate(year: month.year, month: month.month, isLeapMonth: month.isLeap, day: day - month.start + 1)
    }

    /// The Gregorian day of a lunar date, or nil when it does not exist (a leap month that year lacks, a
    /// 30th in a 29-day month).
    public func solar(_ lunar: LunarDate) -> LocalDate? {
        guard let month = self.month(year: lunar.year, month: lunar.month, leap: lunar.isLeapMonth),
              (1...month.length).contains(lunar.day) else { return nil }
        return LocalDate(dayNumber: month.start + lunar.day - 1)
    }

    public func month(year: Int, month: Int, leap: Bool) -> Month? {
        guard let index = yearStart[year] else { return nil }
        var i = index
        while i < months.count, months[i].year == year {
            if months[i].month == month && months[i].isLeap == leap { return months[i] }
            i += 1
        }
        return nil
    }

    /// The day a lunar anniversary (e.g. a lunar birthday) is kept in `year`.
    ///
    /// Rules (documented in docs/calendar.md): it is kept in the regular month of that number, also for
    /// people born in a leap month (most years have no such leap month; families keep the regular one);
    /// a 30th falls back to the 29th when that month has 29 days.
    public func anniversary(month: Int, day: Int, in year: Int) -> LocalDate? {
        guard let target = self.month(year: year, month: month, leap: false) else { return nil }
        return LocalDate(dayNumber: target.start + min(day, target.length) - 1)
    }

    /// Lunar New Year's Eve of lunar year `year`: the last day of its 12th month (the 29th or the 30th).
    public func newYearsEve(ofLunarYear year: Int) -> LocalDate? {
        guard let next = yearStart[year + 1] else { return nil }
        return LocalDate(dayNumber: months[next].start - 1)
    }
}
