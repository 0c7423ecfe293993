/// Calendar data the triggers consult: holidays, the official working-day schedule, the lunar table.
///
/// Loaded from `etc/calendars/` by the config adapter and passed in, so triggers stay pure.
public struct CalendarContext: Sendable {
    public var holidays: HolidayCalendar
    public var workingDays: WorkingDayCalendar
    public var lunar: LunarCalendar { .shared }

    public init(holidays: HolidayCalendar = HolidayCalendar(), workingDays: WorkingDayCalendar = WorkingDayCalendar()) {
        self.holidays = holidays
        self.workingDays = workingDays
    }
}
