import BeckonCore
import BeckonDispatch
import BeckonStore
import Foundation

/// The dispatcher's last policy check, backed by the store: it reads each customer's standing, suppressions
/// and book (sent, in flight and scheduled messages) and hands them to the one `SendGate`.
///
/// It returns outcomes for every held message of the customers it is asked about, including their other
/// due messages outside the batch: the gate decides a customer's whole due set at once, so the verdicts do
/// not depend on how the dispatcher cut the due messages into batches.
struct PolicyGate: DispatchGate {
    let store: SQLiteStore
    let planner: Planner
    let gate: SendGate
    /// Every event some campaign is cancelled by: the customers' latest of each are read for each review.
    let cancellingEvents: Set<String>

    init(store: SQLiteStore, planner: Planner, gate: SendGate) {
        self.store = store
        self.planner = planner
        self.gate = gate
        cancellingEvents = planner.campaigns.reduce(into: []) { $0.formUnion($1.trigger.cancellingEvents) }
    }

    /// How far back the book is read: the longest cap window (tiers included) and a day.
    var historyDays: Int { planner.policy.caps.longestWindowDays + 1 }

    func review(_ messages: [PlannedMessage], now: Date) throws -> [DispatchOutcome] {
        let ids = Array(Set(messages.map(\.key.customer)))
        let standings = try store.standings(ids: ids)
        let books = try store.capHistory(customerIDs: ids, since: now.addingTimeInterval(-Double(historyDays) * 86_400))
        var phones = Set(messages.map(\.phone))
        for book in books.values { for record in book { if let phone = record.phone { phones.insert(phone) } } }
        let suppressions = try store.suppressions(customerIDs: ids, phones: Array(phones))
        // A purchase that arrived after planning (while a reminder waited out quiet hours) cancels it now.
        let latestEvents = try store.latestEvents(customerIDs: ids, names: cancellingEvents, through: now)
        var outcomes: [DispatchOutcome] = []

        for (customerID, group) in Dictionary(grouping: messages, by: \.key.customer) {
            guard let standing = standings[customerID] else {
                outcomes += group.map { DispatchOutcome(key: $0.key, status: .dropped, reasonCode: "customer_unknown") }
                continue
            }
            let recipient = SendGate.Recipient(id: standing.id, phone: standing.phone, tier: standing.tier, active: standing.active,
                                               zone: planner.timeZone(named: standing.timeZone, phone: standing.phone),
                                               latestCancellingEvents: latestEvents[customerID] ?? [:])
            let review = gate.review(group, for: recipient, book: books[customerID] ?? [], suppressions: suppressions, now: now)
            for (key, verdict) in review.decided.sorted(by: { $0.key < $1.key }) {
                switch verdict {
                case .send: continue
                case .deferred(let until, let reason):
                    outcomes.append(DispatchOutcome(key: key, status: .deferred, reasonCode: reason.code, retryAt: until))
                case .suppressed(let reason), .dropped(let reason), .expired(let reason):
                    outcomes.append(DispatchOutcome(key: key, status: verdict.status, reasonCode: reason.code))
                    // Held out at sending (planned before the group or its salt): counted like the plan step's.
                    if let group = Holdout.group(ofReasonCode: reason.code) {
                        HoldoutSalts.counter(campaign: key.campaign, group: group).increment()
                    }
                }
            }
        }
        return outcomes
    }
}
