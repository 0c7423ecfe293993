import Foundation

/// The trigger kinds a campaign can use in `etc/campaigns/*.yaml` (see docs/calendar.md).
public enum Trigger: Sendable {
    /// The look-back a trigger needs into customers' events before a window (nil when it uses none).
    public var eventLookback: TimeInterval? {
        if case .event(let rule) = self { return rule.delay }
        return nil
    }

    /// The events that end this trigger's messages when they happen after what triggered them.
    public var cancellingEvents: Set<String> {
        switch self {
        case .event(let rule): return rule.cancelledBy
        case .dateOffset(let rule): return rule.cancelledBy
        default: return []
        }
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
