import Foundation

/// One customer as a simulation carries them through the days: their row as the planner reads it, their
/// standing suppressions and their own in-memory ledger (seeded with the real book: what went lately and what
/// is scheduled), which the cycles add to and the caps and the daily winner read.
public struct SimulatedCustomer: Sendable {
    public var customer: Customer
    public var suppressions: [Suppression]
    public var ledger: PolicyLedger
    /// Decisions planned for later cycles, in the order they are seen.
    var upcoming: [(seen: Date, decision: Planner.Decision)] = []
    var nextUpcoming = 0

    public init(customer: Customer, suppressions: [Suppression] = [], ledger: PolicyLedger = PolicyLedger()) {
        self.customer = customer
        self.suppressions = suppressions
        self.ledger = ledger
    }
}

extension PolicyLedger {
    /// Forgets a customer's rows that nothing reads any more: settled (not scheduled) and older than `before`.
    /// Keys planned within the last days stay, so that a day evaluated twice is not planned twice.
    mutating func forget(of customer: String, before: Date) {
        for (key, row) in customers[customer] ?? [:] where row.status != .scheduled && (row.wentAt ?? row.message.sendAt) < before {
            self[key] = nil
        }
    }

    /// The earliest send time among a customer's scheduled messages (nil: none waits).
    func nextSendTime(of customer: String) -> Date? {
        (customers[customer] ?? [:]).values.lazy.filter { $0.status == .scheduled }.map(\.message.sendAt).min()
    }
}
