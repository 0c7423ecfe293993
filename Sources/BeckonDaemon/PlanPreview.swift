import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

/// Predicts what Beckon would do, without sending or changing anything: the engine of `beckon explain` and
/// `beckon plan`. It reads the customers' part of the real ledger into a `PolicyLedger` and runs the same
/// `PolicyCycle` (the same `Planner` and `SendGate`) that the daemon's cycle runs through the store.
public struct PlanPreview {
    public let configuration: BeckonConfiguration
    public let store: SQLiteStore
    public let policy: PolicyCycle
    /// Read once: `plan` calls the preview for every batch of customers.
    public let rfm: RFMBreakpoints?

    public init(configuration: BeckonConfiguration, store: SQLiteStore) throws {
        self.configuration = configuration
        self.store = store
        rfm = try store.rfmBreakpoints()
        policy = PolicyCycle(campaigns: configuration.campaigns, defaultTimeZone: configuration.timeZone,
                            calendar: configuration.calendar, policy: configuration.policy, content: configuration.content)
    }

    var planner: Planner { policy.planner }

    public func timeZone(for customer: Customer) -> TimeZone { planner.timeZone(for: customer) }

    /// One message's predicted fate.
    public struct Item: Sendable {
        public var campaign: String
        public var customer: Customer
        public var zone: TimeZone
        public var key: MessageKey
        /// The occurrence it comes from, when it is one of the evaluated window's (nil: a ledger message).
        public var occurrence: Occurrence?
        /// The message (rendered by the planner, or as the ledger holds it); nil when there is none to record.
        public var message: PlannedMessage?
        /// The ledger row before the prediction, when there was one.
        public var existing: LedgerEntry?
        /// The planner's decision, for an occurrence.
        public var decision: PolicyVerdict?
        /// What the predicted cycles did to it, in order (planned, then sent or held).
        public var changes: [PolicyCycle.Change] = []
        /// For a message left scheduled for later the same local day: its verdict then, as things stand.
        public var forecast: PolicyVerdict?

        public init(campaign: String, customer: Customer, zone: TimeZone, key: MessageKey, occurrence: Occurrence? = nil,
                    message: PlannedMessage? = nil, existing: LedgerEntry? = nil) {
            self.campaign = campaign
            self.customer = customer
            self.zone = zone
            self.key = key
            self.occurrence = occurrence
            self.message = message
            self.existing = existing
        }

        /// The state it is left in (nil: not recorded, like an occurrence outside the audience).
        public var state: MessageStatus? { changes.last?.after ?? existing?.status }
        public var reason: PolicyVerdict.Reason? { changes.last?.reason ?? decision?.reason }
        /// When it goes (or would have gone, or goes next).
        public var sendAt: Date? {
            if let at = changes.last(where: { $0.sendAt != nil })?.sendAt, state == .scheduled || state == .deferred { return at }
            return message?.sendAt
        }
    }

    /// What `beckon run --once --now NOW` does for `customers`: the window since the last evaluation is
    /// planned, then every message whose time has come is decided, as the cycle would.
    public func cycle(for customers: [Customer], at now: Date) throws -> [Item] {
        let window = try BeckonEngine.planningWindow(through: now, in: store)
        return try simulate(customers, window: window, planAt: now, through: nil)
    }

    /// The messages of an interval: planned as seen at its start (each one known from the instant its
    /// occurrence fires), then each customer's day decided at every send time, in order.
    public func interval(for customers: [Customer], _ interval: DateInterval) throws -> [Item] {
        try simulate(customers, window: interval, planAt: interval.start, through: interval.end)
    }

    /// The whole local day's occurrences for one customer, for `explain` to name what fires after `now`.
    public func occurrences(of customer: Customer, on day: LocalDate, now: Date) throws -> [Planner.Decision] {
        let zone = timeZone(for: customer)
        let window = DateInterval(start: day.start(in: zone), end: day.adding(days: 1).start(in: zone).addingTimeInterval(-1))
        let prepared = try store.preparedForEvaluation([customer], for: configuration.campaigns, window: window,
                                                       arrivals: try EventArrivals.read(from: store), now: now, rfm: rfm)
        let suppressions = try store.suppressions(customerIDs: [customer.id], phones: [customer.phone])
        var decisions: [Planner.Decision] = []
        planner.forEachDecision(customers: prepared, window: window, now: now, suppressions: suppressions) { decisions.append($0) }
        return decisions
    }

    /// - Parameter end: nil for one cycle at `planAt`; otherwise the end of an interval whose send times are
    ///   all visited.
    func simulate(_ batch: [Customer], window: DateInterval, planAt now: Date, through end: Date?) throws -> [Item] {
        let customers = try store.preparedForEvaluation(batch, for: configuration.campaigns, window: window,
                                                        arrivals: try EventArrivals.read(from: store), now: now, rfm: rfm)
        let ids = customers.map(\.id)
        let books = try store.capHistory(customerIDs: ids, since: now.addingTimeInterval(-Double(policy.historyDays) * 86_400))
        var phones = Set(customers.map(\.phone))
        for book in books.values { for record in book { if let phone = record.phone { phones.insert(phone) } } }
        let suppressions = try store.suppressions(customerIDs: ids, phones: Array(phones))
        var decisions: [Planner.Decision] = []
        planner.forEachDecision(customers: customers, window: window, now: now, suppressions: suppressions) { decisions.append($0) }

        // The ledger rows that matter: every key the planner decided and every scheduled message of the books.
        var keys = Set(decisions.compactMap { $0.message?.key })
        for book in books.values { for record in book where record.status == .scheduled { keys.insert(record.key) } }
        let existing = try store.entries(for: Array(keys))
        var ledger = PolicyLedger()
        for book in books.values {
            for record in book where existing[record.key] == nil {
                // Enough of the message for the gate (the entries read in full come next).
                let message = PlannedMessage(key: record.key, category: record.category, phone: record.phone ?? "", channel: "",
                                             text: "", sendAt: record.at, validUntil: record.validUntil ?? .distantFuture, reason: "",
                                             triggeredAt: record.triggeredAt)
                ledger.load(PolicyLedger.Row(message: message, status: record.status, wentAt: record.status.countsAsSent ? record.at : nil))
            }
        }
        for entry in existing.values {
            ledger.load(PolicyLedger.Row(message: entry.message, status: entry.status, reasonCode: entry.reasonCode,
                                         wentAt: entry.status.countsAsSent ? entry.updatedAt : nil))
        }

        var items: [MessageKey: Item] = [:]
        let byID = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func item(_ key: MessageKey) -> Item? {
            if let found = items[key] { return found }
            guard let customer = byID[key.customer] else { return nil }
            let entry = existing[key]
            return Item(campaign: key.campaign, customer: customer, zone: timeZone(for: customer), key: key,
                        occurrence: nil, message: entry?.message ?? ledger[key]?.message, existing: entry)
        }
        func apply(_ changes: [PolicyCycle.Change]) {
            for change in changes {
                guard var found = item(change.key) else { continue }
                found.changes.append(change)
                items[change.key] = found
            }
        }
        var pending: [(knownFrom: Date, message: PlannedMessage)] = []
        var result = Planner.Result()
        for decision in decisions {
            let key = MessageKey(campaign: decision.campaign, wave: decision.occurrence.wave, customer: decision.customer,
                                 localDate: decision.occurrence.localDate)
            guard var found = item(key) else { continue }
            found.occurrence = decision.occurrence
            found.decision = decision.verdict
            if found.existing == nil { found.message = decision.message }
            items[key] = found
            if case .send = decision.verdict, let message = decision.message {
                // A cycle learns of a message when its occurrence fires; over an interval that is later than its start.
                if end != nil, decision.occurrence.instant > now {
                    pending.append((decision.occurrence.instant, message))
                } else {
                    result.messages.append(message)
                }
            } else {
                result.decisions.append(decision)
            }
        }
        apply(policy.record(result, in: &ledger))
        let waitingByCustomer = Dictionary(grouping: pending, by: \.message.key.customer)
            .mapValues { $0.sorted { ($0.knownFrom, $0.message.key) < ($1.knownFrom, $1.message.key) } }

        for customer in customers {
            let recipient = policy.recipient(for: customer)
            var waiting = (waitingByCustomer[customer.id] ?? [])[...]
            var at = now
            while true {
                while let next = waiting.first, next.knownFrom <= at {
                    apply(policy.record(Planner.Result(messages: [next.message]), in: &ledger))
                    waiting = waiting.dropFirst()
                }
                let (changes, forecast) = policy.dispatch(recipient, suppressions: suppressions, now: at, in: &ledger)
                apply(changes)
                if end == nil {
                    for (key, verdict) in forecast { if var found = item(key) { found.forecast = verdict; items[key] = found } }
                }
                guard let end else { break }
                let candidates = [waiting.first?.knownFrom, ledger.nextSendTime(of: customer.id, after: at)].compactMap { $0 }
                guard let next = candidates.min(), next < end else { break }
                at = next
            }
        }
        return items.values.sorted { ($0.customer.id, $0.key) < ($1.customer.id, $1.key) }
    }
}
