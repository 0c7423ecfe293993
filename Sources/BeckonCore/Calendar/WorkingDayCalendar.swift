/// Which days are working days: weekends rest, except where the official schedule says otherwise.
///
/// China's State Council publishes each year's rest days (public holidays, often stretched over a
/// weekend) and make-up working days (调休, usually a Saturday or Sunday). The schedules ship in
/// `etc/calendars/*.workdays.yaml`; a newer file dropped there adds or replaces years.
public struct WorkingDayCalendar: Hashable, Sendable {
    public var restDays: Set<LocalDate>
    public var workDays: Set<LocalDate>
    /// Years the schedule covers; outside them only weekends rest (and `isCovered` says so).
    public var years: Set<Int>

    public init(restDays: Set<LocalDate> = [], workDays: Set<LocalDate> = [], years: Set<Int> = []) {
        self.restDays = restDays
        self.workDays = workDays
        self.years = years
    }

    public func isWorkingDay(_ day: LocalDate) -> Bool {
        if workDays.contains(day) { return true }
        if restDays.contains(day) { return false }
        return day.isoWeekday <= 5
    }

    public func isCovered(_ year: Int) -> Bool { years.contains(year) }

    /// `day` itself when it is a working day, else the nearest working day in `direction` (-1 or +1).
    public func workingDay(from day: LocalDate, direction: Int) -> LocalDate {
        var current = day
        for _ in 0..<30 where !isWorkingDay(current) { current = current.adding(days: direction) }
        return current
    }

    public func lastWorkingDay(ofMonth month: Int, year: Int) -> LocalDate {
        workingDay(from: LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!, direction: -1)
    }

    /// Adds another schedule; its years replace this one's.
    public func merging(_ other: WorkingDayCalendar) -> WorkingDayCalendar {
        let keep = { (day: LocalDate) in !other.years.contains(day.year) }
        return WorkingDayCalendar(restDays: restDays.filter(keep).union(other.restDays),
                                  workDays: workDays.filter(keep).union(other.workDays), years: years.union(other.years))
    }
}
