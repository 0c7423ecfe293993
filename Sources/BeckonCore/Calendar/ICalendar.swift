/// Reads holidays from iCalendar text (RFC 5545): each VEVENT with an all-day `DTSTART;VALUE=DATE` and a
/// `SUMMARY`, optionally repeating yearly (`RRULE:FREQ=YEARLY`, with `COUNT` or `UNTIL`).
///
/// Hand-written because no kept package parses iCalendar; only what holiday calendars use is supported,
/// and anything else in an event is reported rather than silently misread.
public enum ICalendar {
    public static func holidays(from text: String) throws -> [HolidayCalendar.Definition] {
        // RFC 5545 3.1: a line starting with a space or tab continues the previous one.
        var lines: [(number: Int, text: String)] = []
        // CRLF is a single Character in Swift: split on it as well as on a bare LF.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if (line.hasPrefix(" ") || line.hasPrefix("\t")), !lines.isEmpty { lines[lines.count - 1].text += line.dropFirst() }
            else { lines.append((index + 1, line)) }
        }
        var definitions: [HolidayCalendar.Definition] = []
        var event: [String: (line: Int, value: String)]?
        for (number, line) in lines {
            if line == "BEGIN:VEVENT" { event = [:]; continue }
            if line == "END:VEVENT", let properties = event {
                definitions.append(try definition(properties, line: number, index: definitions.count))
                event = nil
                continue
            }
            guard event != nil, let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].split(separator: ";").first.map(String.init)?.uppercased() ?? ""
            event?[name] = (number, String(line[line.index(after: colon)...]))
        }
        return definitions
    }

    static func definition(_ p: [String: (line: Int, value: String)], line: Int, index: Int) throws -> HolidayCalendar.Definition {
        guard let start = p["DTSTART"] else { throw ICalendarError(line: line, property: "DTSTART", reason: "an event needs a DTSTART") }
        let digits = start.value.prefix(8)
        guard digits.count == 8, let y = Int(digits.prefix(4)), let m = Int(digits.dropFirst(4).prefix(2)), let d = Int(digits.suffix(2)),
              let date = LocalDate(year: y, month: m, day: d) else {
            throw ICalendarError(line: start.line, property: "DTSTART", reason: "'\(start.value)' is not a date (YYYYMMDD)")
        }
        let summary = p["SUMMARY"]?.value ?? "holiday"
        let key = (p["UID"]?.value).map { uid in String(uid.prefix { $0 != "@" }) } ?? "ics_\(index + 1)"
        guard let rule = p["RRULE"] else { return .init(key: key, name: summary, rule: .dates([date])) }
        var parts: [String: String] = [:]
        for item in rule.value.split(separator: ";") {
            let kv = item.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { parts[String(kv[0]).uppercased()] = String(kv[1]) }
        }
        guard parts["FREQ"] == "YEARLY", Set(parts.keys).isSubset(of: ["FREQ", "COUNT", "UNTIL", "INTERVAL"]), (parts["INTERVAL"] ?? "1") == "1" else {
            throw ICalendarError(line: rule.line, property: "RRULE", reason: "only yearly rules (FREQ=YEARLY with COUNT or UNTIL) are supported: '\(rule.value)'")
        }
        let count = parts["COUNT"].flatMap(Int.init)
        let until = parts["UNTIL"].flatMap { text in Int(text.prefix(4)) }
        if count == nil && until == nil { return .init(key: key, name: summary, rule: .solar(month: date.month, day: date.day)) }
        let lastYear = min(count.map { y + $0 - 1 } ?? Int.max, until ?? Int.max)
        let dates = (y...max(y, lastYear)).compactMap { LocalDate(year: $0, month: date.month, day: date.day) }
        return .init(key: key, name: summary, rule: .dates(dates))
    }
}

public struct ICalendarError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String { "line \(line): \(property): \(reason)" }
    public var line: Int
    public var property: String
    public var reason: String
}
