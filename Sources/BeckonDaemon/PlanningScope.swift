import BeckonConfig
import BeckonCore
import Foundation

/// What one planning pass evaluates: everyone for every campaign, or only what can have produced something new
/// since the last pass (docs/planning.md). Deciding a customer's occurrence again is harmless (its key is in
/// the ledger), so a scope may be wider than needed; it must never be narrower than what a pass over everyone
/// would plan.
struct PlanningScope: Equatable {
    /// Every active customer, every campaign.
    var everyone = false
    /// Why `everyone` (for the debug log).
    var reason = ""
    /// Campaigns to plan for every active customer (a cron instant in the window, new RFM boundaries).
    var campaignsForEveryone: Set<String> = []
    /// Customers whose own trigger day (`next_due_at`) has begun: every campaign.
    var dueCustomers = false
    /// Event campaigns, for customers with events that arrived or came due.
    var eventCampaigns: Set<String> = []

    static func everything(_ reason: String) -> PlanningScope { PlanningScope(everyone: true, reason: reason) }

    /// - Parameters:
    ///   - window: the pass's window, `(evaluated_through, now]`.
    ///   - marks: what the last pass recorded.
    static func decide(window: DateInterval, marks: PlanningMarks, fingerprint: String, configuration: BeckonConfiguration,
                       rfmComputedAt: Date?) -> PlanningScope {
        guard let zones = marks.zones, marks.dueIndexBuilt else { return .everything("first pass") }
        guard marks.fingerprint == fingerprint else { return .everything("configuration changed") }
        let campaigns = configuration.campaigns.filter(\.enabled)
        // Day-based triggers fire, and the calendar-day audience fields change, only as a local day begins: in any
        // zone customers live in, or the default one. Then the customers whose own day (birthday, date offset)
        // it is are planned, and everyone for a shared day rule (payday, holiday, preset) that fires on it.
        let allZones = zones.union([configuration.timeZone.identifier]).sorted().compactMap(TimeZone.init(identifier:))
        var scope = PlanningScope()
        scope.dueCustomers = allZones.contains { LocalDate(window.start, in: $0) != LocalDate(window.end, in: $0) }
        let context = configuration.calendar
        let anyone = Customer(id: "", name: "", phone: "")
        for campaign in campaigns {
            if scope.dueCustomers, campaign.trigger.isSharedDayRule {
                let fires = allZones.contains { zone in
                    !campaign.trigger.rule.occurrences(for: anyone, in: EvaluationWindow(window, in: zone), context: context).isEmpty
                }
                if fires { scope.campaignsForEveryone.insert(campaign.id) }
            }
            switch campaign.trigger {
            case .cron(let rule):
                // A cron instant in the window, in the rule's zone or any customer's.
                let fires = (rule.timeZone.map { [$0] } ?? allZones).contains { zone in
                    !rule.occurrences(for: anyone, in: EvaluationWindow(window, in: zone), context: context).isEmpty
                }
                if fires { scope.campaignsForEveryone.insert(campaign.id) }
            case .event:
                scope.eventCampaigns.insert(campaign.id)
            default:
                break
            }
            if campaign.audience.usesRFM, rfmComputedAt != marks.rfmComputedAt { scope.campaignsForEveryone.insert(campaign.id) }
        }
        return scope
    }
}
