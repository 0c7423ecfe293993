import BeckonCore
import Foundation
import GRDB

extension SQLiteStore {
    static let rfmBreakpointsKey = "rfm.breakpoints"

    /// Recomputes the RFM quintile boundaries over the active customers and keeps them in the state table.
    ///
    /// One streaming scan of three columns (24 bytes per customer in memory for the sort): a few hundred
    /// milliseconds for a million customers, run when `RFMRefresh` says so, not after every file.
    @discardableResult
    public func refreshRFMBreakpoints(at now: Date) throws -> RFMBreakpoints {
        let breakpoints = try computedRFMBreakpoints(at: now)
        let json = String(decoding: try JSONEncoder().encode(breakpoints), as: UTF8.self)
        try setValue(json, for: Self.rfmBreakpointsKey)
        return breakpoints
    }

    /// The boundaries a refresh at `now` would compute, without keeping them (`beckon simulate` on a store
    /// whose daemon has not run yet).
    public func computedRFMBreakpoints(at now: Date) throws -> RFMBreakpoints {
        var recencies: [Double] = []
        var counts: [Double] = []
        var spends: [Double] = []
        try writer.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT last_order_at, order_count, total_spend FROM customer WHERE active = 1")
            while let row = try cursor.next() {
                recencies.append((row[0] as Double?) ?? RFMBreakpoints.neverOrdered)
                counts.append(row[1] as Double)
                spends.append(row[2] as Double)
            }
        }
        return RFMBreakpoints(recencies: recencies, orderCounts: counts, spends: spends, computedAt: now)
    }

    static let rfmThroughChangeKey = "rfm.through_change"

    /// Recomputes the boundaries and records the customer change number they include (see `RFMRefresh`).
    @discardableResult
    public func refreshRFMBreakpoints(at now: Date, throughChange change: Int64) throws -> RFMBreakpoints {
        let breakpoints = try refreshRFMBreakpoints(at: now)
        try setValue(String(change), for: Self.rfmThroughChangeKey)
        return breakpoints
    }

    /// Active customers changed since the boundaries were last computed.
    public func customersChangedSinceRFM() throws -> Int {
        let through = try value(for: Self.rfmThroughChangeKey).flatMap { Int64($0) } ?? 0
        return try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer INDEXED BY customer_change WHERE change_seq > ? AND active = 1",
                             arguments: [through]) ?? 0
        }
    }

    /// The boundaries of the last recomputation; nil before the first customer import.
    public func rfmBreakpoints() throws -> RFMBreakpoints? {
        guard let json = try value(for: Self.rfmBreakpointsKey) else { return nil }
        return try JSONDecoder().decode(RFMBreakpoints.self, from: Data(json.utf8))
    }
}
