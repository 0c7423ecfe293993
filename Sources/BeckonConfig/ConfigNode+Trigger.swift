import BeckonCore
import Foundation

extension ConfigNode {
    static let triggerKinds = ["birthday", "anniversary", "cron", "date_offset", "payday", "holiday_countdown", "preset", "event"]

    /// Reads a campaign's `trigger:` mapping. `kind` selects the rule; each kind has its own keys.
    public func trigger() throws -> Trigger {
        let kindNode = try required("kind")
        let kind = try kindNode.string()
        switch kind {
        case "birthday", "anniversary":
            try rejectUnknownKeys(["kind", "offset_days", "leap_day", "field"])
            let field = try optional("field")?.string() ?? (kind == "birthday" ? "birthday" : "")
            guard !field.isEmpty else { throw error("an anniversary needs the date field, e.g. field: signup_on", key: child("field")) }
            return .birthday(BirthdayRule(offsetDays: try optional("offset_days")?.int() ?? 0,
                                          leapDay: try optional("leap_day")?.oneOf(BirthdayRule.LeapDayPolicy.self) ?? .february28,
                                          field: field))
        case "cron":
            try rejectUnknownKeys(["kind", "expression", "timezone"])
            let node = try required("expression")
            do {
                return .cron(CronRule(expression: try CronExpression(try node.string()), timeZone: try optional("timezone")?.timeZone()))
            } catch let error as CronError {
                throw node.error("\(error)")
            }
        case "date_offset":
            // `days: -3` or `waves: [7, 15, 30]`; `after_days: 90` moves the base (lapsed = last order + 90).
            try rejectUnknownKeys(["kind", "field", "days", "waves", "after_days", "cancelled_by"])
            let offsets: [Int]
            if let waves = try optional("waves") { offsets = try waves.list().map { try $0.int() } }
            else { offsets = [try required("days").int()] }
            guard !offsets.isEmpty, Set(offsets).count == offsets.count else { throw error("waves must be distinct day offsets") }
            return .dateOffset(DateOffsetRule(field: try required("field").string(), baseOffsetDays: try optional("after_days")?.int() ?? 0,
                                              offsets: offsets, cancelledBy: try eventNames("cancelled_by")))
        case "payday":
            try rejectUnknownKeys(["kind", "day", "shift", "offset_days"])
            let dayNode = try required("day")
            let day: PaydayRule.Day
            if try dayNode.string() == "last_working_day" { day = .lastWorkingDay } else {
                let n = try dayNode.int()
                guard (1...31).contains(n) else { throw dayNode.error("a day of the month from 1 to 31, or last_working_day") }
                day = .dayOfMonth(n)
            }
            return .payday(PaydayRule(day: day, shift: try optional("shift")?.oneOf(PaydayRule.Shift.self) ?? .previous,
                                      offsetDays: try optional("offset_days")?.int() ?? 0))
        case "holiday_countdown":
            try rejectUnknownKeys(["kind", "holiday", "days_before"])
            let holiday = try required("holiday").string()
            let before = try optional("days_before")?.list().map { try $0.int() } ?? [0]
            guard before.allSatisfy({ $0 >= 0 }) else { throw error("days_before must be 0 or more", key: child("days_before")) }
            return .holidayCountdown(HolidayCountdownRule(holiday: holiday, daysBefore: before))
        case "event":
            // `{ kind: event, event: cart_abandoned, delay_minutes: 180, cancelled_by: [purchase], fields: [product] }`
            try rejectUnknownKeys(["kind", "event", "delay_minutes", "cancelled_by", "fields"])
            let delay = try optional("delay_minutes")?.int() ?? 0
            guard delay >= 0 else { throw error("delay_minutes must be 0 or more", key: child("delay_minutes")) }
            let event = try required("event").string()
            guard !event.isEmpty else { throw error("the event's name is empty", key: child("event")) }
            let cancelledBy = try eventNames("cancelled_by")
            if cancelledBy.contains(event) {
                throw error("'\(event)' cannot cancel itself (a second one supersedes the first already)", key: child("cancelled_by"))
            }
            return .event(EventRule(event: event, delay: Double(delay * 60), cancelledBy: cancelledBy,
                                    fields: try eventNames("fields")))
        case "preset":
            try rejectUnknownKeys(["kind", "name", "winter_vacation", "summer_vacation"])
            let nameNode = try required("name")
            let name = try nameNode.string()
            switch name {
            case "fmcg": return .preset(PresetRule(preset: .fmcg, name: name))
            case "luxury": return .preset(PresetRule(preset: .luxury, name: name))
            case "education":
                return .preset(PresetRule(preset: .education(
                    winter: try optional("winter_vacation")?.monthDay() ?? IndustryPreset.defaultWinterVacation,
                    summer: try optional("summer_vacation")?.monthDay() ?? IndustryPreset.defaultSummerVacation), name: name))
            default: throw nameNode.error("unknown preset '\(name)' (known: fmcg, education, luxury)")
            }
        default:
            throw kindNode.error("unknown trigger kind '\(kind)' (known: \(Self.triggerKinds.joined(separator: ", ")))")
        }
    }

    /// A list of event names or columns (`cancelled_by: [purchase]`, or one name); empty when absent.
    func eventNames(_ key: String) throws -> Set<String> {
        guard let node = try optional(key) else { return [] }
        let names = try node.list().map { try $0.string() }
        guard !names.contains(where: \.isEmpty) else { throw node.error("an empty name") }
        return Set(names)
    }

    /// `MM-DD`.
    func monthDay() throws -> IndustryPreset.MonthDay {
        let text = try string()
        let parts = text.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[0]), let d = Int(parts[1]), (1...12).contains(m), (1...31).contains(d) else {
            throw error("expected MM-DD, got '\(text)'")
        }
        return .init(month: m, day: d)
    }

    /// Checks names a trigger refers to (holidays) against the loaded calendars.
    public static func validate(_ trigger: Trigger, calendar: CalendarContext, file: String) throws {
        if case .holidayCountdown(let rule) = trigger, !calendar.holidays.knows(rule.holiday) {
            throw ConfigError(file: file, line: nil, key: "trigger.holiday",
                              message: "unknown holiday '\(rule.holiday)' (see `beckon calendar holidays YEAR` for the keys)")
        }
    }
}
