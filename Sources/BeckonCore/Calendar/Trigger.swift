import Foundation

/// The trigger kinds a campaign can use in `etc/campaigns/*.yaml` (see docs/calendar.md).
public enum Trigger: Sendable {
    /// The longest look-back a trigger needs into customers' events (0 when it uses none).
    public var eventLookback: TimeInterval {
        if case .event(let rule) = self { return rule.delay }
        return 0
    }

    case birthday(BirthdayRule)
    case cron(CronRule)
    case dateOffset(DateOffsetRule)
    case payday(PaydayRule)
    case holidayCountdown(HolidayCountdownRule)
    case preset(PresetRule)
    case event(EventRule)

    public var rule: any TriggerRule {
        switch self {
        case .birthday(let rule): return rule
        case .cron(let rule): return rule
        case .dateOffset(let rule): return rule
        case .payday(let rule): return rule
        case .holidayCountdown(let rule): return rule
        case .preset(let rule): return rule
        case .event(let rule): return rule
        }
    }
}
