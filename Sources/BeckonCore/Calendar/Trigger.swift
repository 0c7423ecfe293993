import Foundation

/// The trigger kinds a campaign can use in `etc/campaigns/*.yaml`.
public enum Trigger: Sendable {
    case birthday(BirthdayRule)

    public var rule: any TriggerRule {
        switch self {
        case .birthday(let rule): return rule
        }
    }
}
