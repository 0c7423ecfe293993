/// Calendar data the triggers consult: holidays and the official working-day schedule.
///
/// Loaded from `etc/calendars/` by the config adapter and passed in, so triggers stay pure.
public struct CalendarContext: Sendable {
    public init() {}
}
