import BeckonCore
import Foundation

/// Loads `etc/calendars/`: working-day schedules (`*.workdays.yaml`), user holidays (`*.holidays.yaml`)
/// and iCalendar files (`*.ics`). Files are read in name order; a later file's years replace earlier ones.
public enum CalendarLoader {
    public static func load(directory: URL) throws -> CalendarContext {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        var workingDays = WorkingDayCalendar()
        var holidays: [HolidayCalendar.Definition] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            if name.hasSuffix(".workdays.yaml") {
                workingDays = workingDays.merging(try workdays(ConfigNode.load(contentsOf: url)))
            } else if name.hasSuffix(".holidays.yaml") {
                holidays += try userHolidays(ConfigNode.load(contentsOf: url))
            } else if name.hasSuffix(".ics") {
                let text: String
                do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                    throw ConfigError(file: url.path, line: nil, key: "", message: "cannot read: \(error.localizedDescription)")
                }
                do { holidays += try ICalendar.holidays(from: text) } catch let error as ICalendarError {
                    throw ConfigError(file: url.path, line: error.line, key: error.property, message: error.reason)
                }
            }
        }
        return CalendarContext(holidays: HolidayCalendar(extra: holidays), workingDays: workingDays)
    }

    /// ```yaml
    /// 2025:
    ///   rest: [2025-01-01, 2025-01-28..2025-02-04]
    ///   work: [2025-01-26, 2025-02-08]
    /// ```
    static func workdays(_ root: ConfigNode) throws -> WorkingDayCalendar {
        var calendar = WorkingDayCalendar()
        for (key, node) in try root.mapping() {
            guard let year = Int(key), (1900...2200).contains(year) else { throw node.error("expected a year such as 2025", key: key) }
            try node.rejectUnknownKeys(["rest", "work"])
            calendar.years.insert(year)
            for item in try node.optional("rest")?.list() ?? [] { calendar.restDays.formUnion(try item.dateRange(year: year)) }
            for item in try node.optional("work")?.list() ?? [] { calendar.workDays.formUnion(try item.dateRange(year: year)) }
        }
        return calendar
    }

    /// ```yaml
    /// store_anniversary: { name: 店庆, date: "05-18" }      # every year
    /// spring_sale: { name: 春季大促, dates: [2026-03-20] }  # listed years only
    /// teachers_lunar: { name: 某节, lunar: "08-01" }
    /// ```
    static func userHolidays(_ root: ConfigNode) throws -> [HolidayCalendar.Definition] {
        try root.mapping().map { key, node in
            try node.rejectUnknownKeys(["name", "date", "dates", "lunar"])
            let name = try node.optional("name")?.string() ?? key
            if let date = try node.optional("date") {
                let md = try date.monthDay()
                return .init(key: key, name: name, rule: .solar(month: md.month, day: md.day))
            }
            if let lunar = try node.optional("lunar") {
                let md = try lunar.monthDay()
                return .init(key: key, name: name, rule: .lunar(month: md.month, day: md.day))
            }
            if let dates = try node.optional("dates") {
                return .init(key: key, name: name, rule: .dates(try dates.list().map { try $0.localDate() }))
            }
            throw node.error("give date (MM-DD, yearly), lunar (MM-DD) or dates (a list of YYYY-MM-DD)")
        }
    }
}

extension ConfigNode {
    /// `2025-01-01` or a range `2025-01-28..2025-02-04`, inside `year`.
    func dateRange(year: Int) throws -> [LocalDate] {
        let text = try string()
        let bounds = text.components(separatedBy: "..")
        guard (1...2).contains(bounds.count), let first = LocalDate(iso: bounds[0]), let last = LocalDate(iso: bounds.last!),
              first <= last, last.dayNumber - first.dayNumber < 60 else {
            throw error("expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, got '\(text)'")
        }
        // The New Year holiday may start on 31 December of the year before.
        guard abs(first.year - year) <= 1 else { throw error("\(text) is not in \(year)") }
        return (first.dayNumber...last.dayNumber).map(LocalDate.init(dayNumber:))
    }
}
