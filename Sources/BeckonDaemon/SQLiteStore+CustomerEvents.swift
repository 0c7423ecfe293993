import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

extension SQLiteStore {
    /// Customers as the planner needs them: with their RFM scores and the events their campaigns' triggers
    /// could fire on. Shared by the engine, `plan` and `explain`, so all three decide alike.
    func preparedForEvaluation(_ customers: [Customer], for campaigns: [Campaign], window: DateInterval,
                               rfm breakpoints: RFMBreakpoints?) throws -> [Customer] {
        var customers = try attachingEvents(to: customers, for: campaigns, window: window)
        if let breakpoints {
            for index in customers.indices { customers[index].rfm = breakpoints.score(customers[index]) }
        }
        return customers
    }

    /// The customers with the events their campaigns' event triggers could fire on in `window`
    /// (from the longest trigger delay before its start); unchanged when no campaign uses events.
    func attachingEvents(to customers: [Customer], for campaigns: [Campaign], window: DateInterval) throws -> [Customer] {
        let lookback = campaigns.map(\.trigger.eventLookback).max() ?? 0
        guard lookback > 0 else { return customers }
        let events = try self.events(customerIDs: customers.map(\.id), since: window.start.addingTimeInterval(-lookback - 1))
        return customers.map { customer in
            var customer = customer
            customer.events = events[customer.id] ?? []
            return customer
        }
    }
}
