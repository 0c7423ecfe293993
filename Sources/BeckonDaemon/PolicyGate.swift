import BeckonCore
import BeckonDispatch
import BeckonStore
import Foundation

/// The dispatcher's last policy check, backed by the store: suppressions that arrived after planning,
/// frequency caps and the one-winner-a-day rule against the ledger (messages in flight included).
struct PolicyGate: DispatchGate {
    let store: SQLiteStore
    let planner: Planner
    let caps: SendGate

    /// The longest cap window decides how much history to read.
    var historyDays: Int {
        let all = planner.policy.caps.rules.values.flatMap { $0 } + planner.policy.caps.tierRules.values.flatMap { $0.values.flatMap { $0 } }
        return max(all.map(\.days).max() ?? 1, 1)
    }

    func review(_ messages: [PlannedMessage], now: Date) throws -> [DispatchOutcome] {
        let ids = Array(Set(messages.map(\.key.customer)))
        let standings = try store.standings(ids: ids)
        let suppressions = try store.suppressions(customerIDs: ids, phones: Array(Set(messages.map(\.phone))))
        var history = try store.capHistory(customerIDs: ids, since: now.addingTimeInterval(-Double(historyDays + 1) * 86_400))
        var outcomes: [DispatchOutcome] = []
        let campaigns = Dictionary(planner.campaigns.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        for (customerID, group) in Dictionary(grouping: messages, by: \.key.customer) {
            guard let standing = standings[customerID] else {
                outcomes += group.map { DispatchOutcome(key: $0.key, status: .dropped, reasonCode: "customer_unknown") }
                continue
            }
            var reviewable: [PlannedMessage] = []
            for message in group {
                let campaign = campaigns[message.key.campaign]
                // Match against the number the message goes to, which may differ from today's.
                if let blocking = SuppressionRule.blocking(suppressions, customerID: standing.id, phone: message.phone,
                                                            category: message.category,
                                                            brandCategory: campaign?.policy.consentCategory, sender: campaign?.sender) {
                    let code = SuppressionRule.verdict(for: blocking).reason?.code ?? "opted_out"
                    outcomes.append(DispatchOutcome(key: message.key, status: .suppressed, reasonCode: code))
                } else if !standing.active {
                    outcomes.append(DispatchOutcome(key: message.key, status: .suppressed, reasonCode: "customer_inactive"))
                } else {
                    reviewable.append(message)
                }
            }
            var customerHistory = history[customerID] ?? []
            let zone = planner.timeZone(named: standing.timeZone, phone: standing.phone)
            for (message, verdict) in caps.review(reviewable, tier: standing.tier, zone: zone, history: &customerHistory, now: now) {
                switch verdict {
                case .send: continue
                case .deferred(let until, let reason):
                    outcomes.append(DispatchOutcome(key: message.key, status: .deferred, reasonCode: reason.code, retryAt: until))
                case .suppressed(let reason), .dropped(let reason), .expired(let reason):
                    outcomes.append(DispatchOutcome(key: message.key, status: verdict.status, reasonCode: reason.code))
                }
            }
            history[customerID] = customerHistory
        }
        return outcomes
    }
}
