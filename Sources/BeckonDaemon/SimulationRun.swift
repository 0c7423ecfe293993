import BeckonConfig
import BeckonCore
import BeckonDispatch
import BeckonStore
import Foundation

/// `beckon simulate`: the year ahead for today's customers, through the daemon's own policy (`Simulation`, the
/// same `PolicyCycle` and `BudgetRule` the engine runs), read from the store and never written to it.
///
/// Each customer's recent book (what went within the longest cap window, and what is scheduled) and each
/// budgeted campaign's spend of the first day and month are read from the real ledger, so the first days
/// bind as they would. Customers are independent but for budgets: without any, they are simulated 10,000 at a
/// time; with one, all together, so that the budget's claims come in the daemon's order.
public struct SimulationRun {
    public let configuration: BeckonConfiguration
    public let store: SQLiteStore

    public init(configuration: BeckonConfiguration, store: SQLiteStore) {
        self.configuration = configuration
        self.store = store
    }

    /// The simulated interval: the start of `from` to the end of `to`, in the brand's zone.
    public func interval(from: LocalDate, to: LocalDate) -> DateInterval {
        DateInterval(start: from.start(in: configuration.timeZone), end: to.adding(days: 1).start(in: configuration.timeZone))
    }

    public func run(from: LocalDate, to: LocalDate) throws -> SimulationTally {
        let interval = interval(from: from, to: to)
        let cycle = PolicyCycle(campaigns: configuration.campaigns, defaultTimeZone: configuration.timeZone,
                                calendar: configuration.calendar, policy: configuration.policy, content: configuration.content)
        let budgets = configuration.budgetRule
        let routes = try ChannelRoutes.configured(configuration)
        let channels = Set(configuration.channels.map(\.id))
        let simulation = Simulation(cycle: cycle, budgets: budgets, tick: configuration.tickSeconds, interval: interval,
                                    zone: configuration.timeZone) { message in
            routes.candidates(for: message).first(where: { channels.contains($0) }) ?? message.channel
        }
        var spend: [String: RunningBudgetSpend] = [:]
        for campaign in budgets.budgets.keys {
            spend[campaign] = RunningBudgetSpend(try store.budgetSpend(campaign: campaign, at: interval.start, rule: budgets),
                                                 at: interval.start, rule: budgets)
        }
        let arrivals = try EventArrivals.read(from: store)
        // The daemon computes the boundaries before its first plan; they move only when customers change, which
        // a simulation of today's customers does not do.
        let rfm = try store.rfmBreakpoints() ?? store.computedRFMBreakpoints(at: interval.start)
        let batchSize = budgets.isEmpty ? 10_000 : Int.max
        var tally = SimulationTally()
        var batch: [SimulatedCustomer] = []
        var after = ""
        while true {
            let page = try store.activeCustomers(after: after, limit: 10_000)
            guard let last = page.last else { break }
            after = last.id
            batch += try simulated(page, window: interval, arrivals: arrivals, rfm: rfm, historyDays: cycle.historyDays)
            if batch.count >= batchSize {
                simulation.run(&batch, spend: &spend, into: &tally)
                batch = []
            }
            if page.count < 10_000 { break }
        }
        if !batch.isEmpty { simulation.run(&batch, spend: &spend, into: &tally) }
        return tally
    }

    /// The customers as the planner reads them (events, RFM scores), with their suppressions and their book.
    func simulated(_ page: [Customer], window: DateInterval, arrivals: EventArrivals, rfm: RFMBreakpoints?,
                   historyDays: Int) throws -> [SimulatedCustomer] {
        let customers = try store.preparedForEvaluation(page, for: configuration.campaigns, window: window, arrivals: arrivals,
                                                        now: window.start, rfm: rfm)
        let ids = customers.map(\.id)
        let books = try store.capHistory(customerIDs: ids, since: window.start.addingTimeInterval(-Double(historyDays) * 86_400))
        var phones = Set(customers.map(\.phone))
        for book in books.values { for record in book { if let phone = record.phone { phones.insert(phone) } } }
        let suppressions = try store.suppressions(customerIDs: ids, phones: Array(phones))
        var byCustomer: [String: [Suppression]] = [:]
        var byPhone: [String: [Suppression]] = [:]
        for suppression in suppressions {
            if let id = suppression.customerID { byCustomer[id, default: []].append(suppression) }
            if let phone = suppression.phone { byPhone[phone, default: []].append(suppression) }
        }
        // Scheduled messages are read whole (they will be sent, and cost); what went needs only its place in the caps.
        let scheduled = books.values.flatMap { $0.filter { $0.status == .scheduled }.map(\.key) }
        let entries = scheduled.isEmpty ? [:] : try store.entries(for: scheduled)
        return customers.map { customer in
            var ledger = PolicyLedger()
            for record in books[customer.id] ?? [] {
                if let entry = entries[record.key] {
                    ledger.load(PolicyLedger.Row(message: entry.message, status: entry.status, reasonCode: entry.reasonCode))
                    continue
                }
                let message = PlannedMessage(key: record.key, category: record.category, phone: record.phone ?? "", channel: "",
                                             text: "", sendAt: record.at, validUntil: record.validUntil ?? .distantFuture, reason: "",
                                             triggeredAt: record.triggeredAt)
                ledger.load(PolicyLedger.Row(message: message, status: record.status, wentAt: record.status.countsAsSent ? record.at : nil))
            }
            var standing = byCustomer[customer.id] ?? []
            for suppression in byPhone[customer.phone] ?? [] where !standing.contains(suppression) { standing.append(suppression) }
            return SimulatedCustomer(customer: customer, suppressions: standing, ledger: ledger)
        }
    }
}
