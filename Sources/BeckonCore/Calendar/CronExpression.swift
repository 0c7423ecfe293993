import Foundation

/// A standard 5-field cron expression with Vixie-cron semantics and the common extensions.
///
/// Fields: minute, hour, day of month, month, day of week (0 or 7 = Sunday). Lists (`1,15`), ranges
/// (`1-5`), steps (`*/15`, `10-50/20`), names (`JAN`..`DEC`, `SUN`..`SAT`), `@yearly @annually @monthly
/// @weekly @daily @midnight @hourly`, `L` (last day of the month) in day of month, `5L` (last Friday)
/// and `5#3` (third Friday) in day of week.
///
/// Vixie cron: when both day of month and day of week are restricted (neither starts with `*`), a day
/// matches if *either* matches. Evaluated on local wall-clock time; see `nextInstants` for DST.
public struct CronExpression: Hashable, Sendable, CustomStringConvertible {
    public let source: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let lastDayOfMonth: Bool
    let months: Set<Int>
    /// ISO-agnostic: 0 = Sunday ... 6 = Saturday.
    let daysOfWeek: Set<Int>
    /// `5L`: the last such weekday of the month.
    let lastWeekdays: Set<Int>
    /// `5#3`: weekday and its ordinal in the month.
    let nthWeekdays: Set<[Int]>
    let domRestricted: Bool
    let dowRestricted: Bool

    public var description: String { source }

    static let aliases = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(_ text: String) throws(CronError) {
        source = text
        let expanded = Self.aliases[text.trimmingCharacters(in: .whitespaces).lowercased()] ?? text
        let fields = expanded.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else {
            throw CronError(field: "expression", value: text, reason: "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        minutes = try Self.parse(fields[0], name: "minute", range: 0...59, names: [])
        hours = try Self.parse(fields[1], name: "hour", range: 0...23, names: [])
        months = try Self.parse(fields[3], name: "month", range: 1...12, names: Self.monthNames, namesStart: 1)

        var dom = fields[2]
        var last = false
        let domParts = dom.split(separator: ",").map(String.init)
        if domParts.contains("L") {
            last = true
            dom = domParts.filter { $0 != "L" }.joined(separator: ",")
        }
        daysOfMonth = dom.isEmpty ? [] : try Self.parse(dom, name: "day-of-month", range: 1...31, names: [])
        lastDayOfMonth = last

        var plain: [String] = []
        var lastDays = Set<Int>(), nth = Set<[Int]>()
        for part in fields[4].split(separator: ",").map(String.init) {
            if part.hasSuffix("L"), part.count > 1 {
                let day = try Self.weekday(String(part.dropLast()), field: fields[4])
                lastDays.insert(day)
            } else if part.contains("#") {
                let pieces = part.split(separator: "#")
                guard pieces.count == 2, let n = Int(pieces[1]), (1...5).contains(n) else {
                    throw CronError(field: "day-of-week", value: fields[4], reason: "'\(part)' must be WEEKDAY#N with N from 1 to 5")
                }
                nth.insert([try Self.weekday(String(pieces[0]), field: fields[4]), n])
            } else {
                plain.append(part)
            }
        }
        var dow = plain.isEmpty ? Set<Int>() : try Self.parse(plain.joined(separator: ","), name: "day-of-week", range: 0...7, names: Self.dayNames)
        if dow.remove(7) != nil { dow.insert(0) }
        daysOfWeek = dow
        lastWeekdays = lastDays
        nthWeekdays = nth
        domRestricted = !fields[2].hasPrefix("*")
        dowRestricted = !fields[4].hasPrefix("*")
    }

    static func weekday(_ text: String, field: String) throws(CronError) -> Int {
        if let n = Int(text), (0...7).contains(n) { return n % 7 }
        if let index = dayNames.firstIndex(of: text.uppercased()) { return index }
        throw CronError(field: "day-of-week", value: field, reason: "'\(text)' is not a weekday (0-7 or SUN-SAT)")
    }

    static func parse(_ field: String, name: String, range: ClosedRange<Int>, names: [String], namesStart: Int = 0) throws(CronError) -> Set<Int> {
        func value(_ text: String) throws(CronError) -> Int {
            if let n = Int(text) {
                guard range.contains(n) else { throw CronError(field: name, value: field, reason: "\(n) is outside \(range.lowerBound)-\(range.upperBound)") }
                return n
            }
            if let index = names.firstIndex(of: text.uppercased()) { return index + namesStart }
            throw CronError(field: name, value: field, reason: "'\(text)' is not a number\(names.isEmpty ? "" : " or a name")")
        }
        var result = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else { throw CronError(field: name, value: field, reason: "empty list item") }
            let stepParts = part.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard stepParts.count <= 2 else { throw CronError(field: name, value: field, reason: "'\(part)' has more than one /") }
            var step = 1
            if stepParts.count == 2 {
                guard let n = Int(stepParts[1]), n > 0 else { throw CronError(field: name, value: field, reason: "step '\(stepParts[1])' must be a positive number") }
                step = n
            }
            let base = stepParts[0]
            var low: Int, high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if base.contains("-") {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard bounds.count == 2 else { throw CronError(field: name, value: field, reason: "'\(base)' is not a range") }
                (low, high) = (try value(bounds[0]), try value(bounds[1]))
                guard low <= high else { throw CronError(field: name, value: field, reason: "range \(base) runs backwards") }
            } else {
                low = try value(base)
                // `5/15` means from 5 to the end, every 15 (Vixie cron).
                high = stepParts.count == 2 ? range.upperBound : low
            }
            result.formUnion(stride(from: low, through: high, by: step))
        }
        return result
    }

    /// Whether the expression fires on `day` (ignoring hour and minute).
    public func matches(day: LocalDate) -> Bool {
        guard months.contains(day.month) else { return false }
        let weekday = day.isoWeekday % 7
        let length = LocalDate.daysIn(month: day.month, year: day.year)
        let domMatch = daysOfMonth.contains(day.day) || (lastDayOfMonth && day.day == length)
        let dowMatch = daysOfWeek.contains(weekday)
            || (lastWeekdays.contains(weekday) && day.day + 7 > length)
            || nthWeekdays.contains([weekday, (day.day - 1) / 7 + 1])
        // Vixie cron: a field that starts with `*` (`*`, `*/10`) is "unrestricted" only for choosing between
        // OR and AND; its values still count. `30 10 */10 * *` fires on the 1st, 11th, 21st and 31st.
        return domRestricted && dowRestricted ? domMatch || dowMatch : domMatch && dowMatch
    }

    /// Local times of a matching day, in order.
    public var times: [LocalTime] {
        hours.sorted().flatMap { h in minutes.sorted().map { LocalTime(hour: h, minute: $0) } }
    }

    /// The next `count` fire instants strictly after `instant`, in `zone`.
    ///
    /// DST: a local time that does not exist (spring forward) fires once, right after the jump; a local
    /// time that occurs twice (fall back) fires once, at its first occurrence.
    public func next(after instant: Date, count: Int, in zone: TimeZone, horizonDays: Int = 366 * 8) -> [Date] {
        var result: [Date] = []
        let times = self.times
        var day = LocalDate(instant, in: zone).adding(days: -1)
        for _ in 0..<horizonDays {
            defer { day = day.adding(days: 1) }
            guard matches(day: day) else { continue }
            for time in times {
                let fire = LocalDateTime(date: day, time: time).instant(in: zone)
                // Several skipped times collapse onto the same instant after a jump: fire once.
                if fire > instant, fire != result.last {
                    result.append(fire)
                    if result.count == count { return result }
                }
            }
        }
        return result
    }

    /// The latest fire instant strictly before `instant`, in `zone`.
    public func previous(before instant: Date, in zone: TimeZone, horizonDays: Int = 366 * 8) -> Date? {
        let times = self.times.reversed()
        var day = LocalDate(instant, in: zone).adding(days: 1)
        for _ in 0..<horizonDays {
            defer { day = day.adding(days: -1) }
            guard matches(day: day) else { continue }
            for time in times {
                let fire = LocalDateTime(date: day, time: time).instant(in: zone)
                if fire < instant { return fire }
            }
        }
        return nil
    }
}

/// A malformed cron expression: which field, its text, and why.
public struct CronError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var reason: String
    public var description: String { "cron \(field) field '\(value)': \(reason)" }
}
