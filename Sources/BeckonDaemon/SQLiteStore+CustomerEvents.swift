import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

extension SQLiteStore {
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
