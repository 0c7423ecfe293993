import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

/// How far the planner has taken the events that import batches brought: events of a later batch are planned
/// by the next pass even when their due time is already behind its window.
public struct EventArrivals: Sendable, Equatable {
    /// The last batch whose events a planning pass has seen (`planner.events_planned_through`).
    public var plannedThrough: Int64
    /// The last batch stored: a pass plans through it and then records it as planned.
    public var latest: Int64
    /// Whether the store holds any event: without one, a pass reads no events for anyone.
    public var any = true

    static let plannedThroughKey = "planner.events_planned_through"

    static func read(from store: SQLiteStore) throws -> EventArrivals {
        let planned = try store.value(for: plannedThroughKey).flatMap { Int64($0) } ?? 0
        return EventArrivals(plannedThrough: planned, latest: try store.lastEventArrival(), any: try store.hasEvents())
    }

    func recordPlanned(in store: SQLiteStore) throws {
        try store.setValue(String(latest), for: Self.plannedThroughKey)
    }
}

extension SQLiteStore {
    /// Customers as the planner needs them: with their RFM scores, the events their campaigns' triggers could
    /// fire on, and their latest cancelling events. Shared by the engine, `plan` and `explain`, so all three
    /// decide alike.
    func preparedForEvaluation(_ customers: [Customer], for campaigns: [Campaign], window: DateInterval,
                               arrivals: EventArrivals, now: Date, rfm breakpoints: RFMBreakpoints?) throws -> [Customer] {
        var customers = try attachingEvents(to: customers, for: campaigns, window: window, arrivals: arrivals, now: now)
        if let breakpoints {
            for index in customers.indices { customers[index].rfm = breakpoints.score(customers[index]) }
        }
        return customers
    }

    /// The customers with the events their campaigns' event triggers could fire on in `window` (from the
    /// longest trigger delay before its start, and every event that arrived since the last planning pass),
    /// and with the latest of each cancelling event up to `now`; unchanged when no campaign uses events.
    func attachingEvents(to customers: [Customer], for campaigns: [Campaign], window: DateInterval,
                         arrivals: EventArrivals, now: Date) throws -> [Customer] {
        let lookbacks = campaigns.filter(\.enabled).compactMap(\.trigger.eventLookback)
        let cancelling = campaigns.filter(\.enabled).reduce(into: Set<String>()) { $0.formUnion($1.trigger.cancellingEvents) }
        guard arrivals.any, !lookbacks.isEmpty || !cancelling.isEmpty else { return customers }
        let ids = customers.map(\.id)
        var events: [String: [CustomerEvent]] = [:]
        if let lookback = lookbacks.max() {
            events = try self.events(customerIDs: ids, since: window.start.addingTimeInterval(-lookback - 1),
                                     arrivedAfter: arrivals.plannedThrough)
            // A batch stored while this pass runs (none in the daemon, which imports before it plans) is read as
            // new again by the next pass: its keys are in the ledger by then, so that changes nothing.
        }
        let latest = try latestEvents(customerIDs: ids, names: cancelling, through: now)
        return customers.map { customer in
            var customer = customer
            customer.events = events[customer.id] ?? []
            customer.latestCancellingEvents = latest[customer.id] ?? [:]
            return customer
        }
    }
}
