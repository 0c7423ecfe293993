import Foundation

/// A daily span of local wall-clock time, `[start, end)`, that may cross midnight (`22:00-08:00`).
///
/// Used for campaign send windows, quiet hours and the named scenes (commute, lunch, evening).
public struct TimeWindow: Hashable, Sendable, CustomStringConvertible {
    public let start: LocalTime
    public let end: LocalTime

    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM` or a scene name (`commute`, `lunch`, `evening`, `all-day`).
    public init?(parsing text: String) {
        if let scene = Self.scenes[text] {
            self = scene
            return
        }
        let parts = text.split(separator: "-")
        guard parts.count == 2,
              let start = LocalTime(parsing: parts[0].trimmingCharacters(in: .whitespaces)),
              let end = LocalTime(parsing: parts[1].trimmingCharacters(in: .whitespaces)),
              start != end else { return nil }
        self.init(start: start, end: end)
    }

    /// The time-of-day scenes of the industry presets.
    public static let scenes: [String: TimeWindow] = [
        "commute": TimeWindow(start: LocalTime(hour: 7, minute: 30), end: LocalTime(hour: 8, minute: 30)),
        "lunch": TimeWindow(start: LocalTime(hour: 11, minute: 30), end: LocalTime(hour: 12, minute: 30)),
        "evening": TimeWindow(start: LocalTime(hour: 21, minute: 0), end: LocalTime(hour: 22, minute: 0)),
        "all-day": TimeWindow(start: LocalTime(hour: 0, minute: 0), end: LocalTime(hour: 24, minute: 0)),
    ]

    /// Minutes of the day in the window, as up to two `[from, to)` ranges on a 0...1440 line.
    public var minuteRanges: [Range<Int>] {
        let s = start.minuteOfDay, e = end.minuteOfDay == 0 && start.minuteOfDay > 0 ? 1440 : end.minuteOfDay
        if s < e { return [s..<e] }
        return [0..<e, s..<1440].filter { !$0.isEmpty }
    }

    public func contains(_ time: LocalTime) -> Bool {
        minuteRanges.contains { $0.contains(time.minuteOfDay) }
    }

    public var description: String { "\(start)-\(end)" }
}
