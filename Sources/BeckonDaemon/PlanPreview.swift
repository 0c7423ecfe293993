import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

/// Predicts what Beckon would do, without sending or changing anything: the engine for `beckon plan`
/// and `beckon explain`. It runs the same planner and send gate as the daemon, against the real ledger.
public struct PlanPreview {
    public let configuration: BeckonConfiguration
    public let store: SQLiteStore
    let planner: Planner
    let gate: SendGate
    /// Read once: `plan` calls `items` for every batch of customers.
    public let rfm: RFMBreakpoints?

    public init(configuration: BeckonConfiguration, store: SQLiteStore) throws {
        self.configuration = configuration
        self.store = store
        rfm = try store.rfmBreakpoints()
        planner = Planner(campaigns: configuration.campaigns, defaultTimeZone: configuration.timeZone,
                          calendar: configuration.calendar, policy: configuration.policy,
                          content: configuration.content)
        gate = SendGate(policy: configuration.policy, campaigns: configuration.campaigns)
    }

    public func timeZone(for customer: Customer) -> TimeZone { planner.timeZone(for: customer) }

    /// One occurrence's predicted fate.
    public struct Item: Sendable {
        public var campaign: String
        public var customer: Customer
        public var zone: TimeZone
        public var occurrence: Occurrence
        public var key: MessageKey
        public var message: PlannedMessage?
        public var verdict: PolicyVerdict
        /// When the ledger already holds this key: what happened to it.
        public var existing: LedgerEntry?
    }

    /// Everything due for `customers` in `window`, as it would be decided at `now`.
    public func items(for batch: [Customer], in window: DateInterval, now: Date) throws -> [Item] {
        let customers = try store.preparedForEvaluation(batch, for: configuration.campaigns, window: window, rfm: rfm)
        let suppressions = try store.suppressions(customerIDs: customers.map(\.id), phones: customers.map(\.phone))
        let historyDays = (configuration.policy.caps.rules.values.flatMap { $0 }.map(\.days).max() ?? 30) + 1
        var history = try store.capHistory(customerIDs: customers.map(\.id), since: now.addingTimeInterval(-Double(historyDays) * 86_400))
        var items: [Item] = []
        var evaluator = OccurrenceEvaluator(interval: window, rules: planner.campaigns.map(\.trigger.rule), context: configuration.calendar)
        // Decide everything first, then read what the ledger already holds for all those keys at once:
        // one query per 500 keys instead of one per occurrence (`plan` runs over every customer).
        var decided: [(customer: Customer, zone: TimeZone, campaign: Campaign, decision: Planner.Decision, key: MessageKey)] = []
        for customer in customers where customer.active {
            let zone = planner.timeZone(for: customer)
            for (index, campaign) in planner.campaigns.enumerated() {
                for occurrence in evaluator.occurrences(of: index, for: customer, in: zone) {
                    let decision = planner.decide(campaign, customer, occurrence, zone: zone, suppressions: suppressions, now: now)
                    let key = MessageKey(campaign: campaign.id, wave: occurrence.wave, customer: customer.id, localDate: occurrence.localDate)
                    decided.append((customer, zone, campaign, decision, key))
                }
            }
        }
        let existing = try store.entries(for: decided.map(\.key))
        for (customerID, group) in Dictionary(grouping: decided, by: \.customer.id).sorted(by: { $0.key < $1.key }) {
            guard let customer = group.first?.customer, let zone = group.first?.zone else { continue }
            var toReview: [Item] = []
            for entry in group {
                var item = Item(campaign: entry.campaign.id, customer: customer, zone: zone, occurrence: entry.decision.occurrence,
                                key: entry.key, message: entry.decision.message, verdict: entry.decision.verdict, existing: existing[entry.key])
                if item.existing == nil, case .send = entry.decision.verdict { toReview.append(item) } else {
                    if item.existing != nil { item.verdict = entry.decision.verdict }
                    items.append(item)
                }
            }
            // The gate runs at each message's send time, in send-time order, as the dispatcher would.
            var customerHistory = history[customerID] ?? []
            for var item in toReview.sorted(by: { ($0.message?.sendAt ?? now) < ($1.message?.sendAt ?? now) }) {
                guard let message = item.message else { continue }
                let at = max(message.sendAt, now)
                item.verdict = gate.review([message], tier: customer.tier, zone: zone, history: &customerHistory, now: at).first?.1 ?? item.verdict
                items.append(item)
            }
            history[customerID] = customerHistory
        }
        return items
    }
}
