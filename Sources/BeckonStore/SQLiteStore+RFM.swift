import BeckonCore
import Foundation
import GRDB

extension SQLiteStore {
    static let rfmBreakpointsKey = "rfm.breakpoints"

    /// Recomputes the RFM quintile boundaries over the active customers and keeps them in the state table.
    ///
    /// One streaming scan of three columns (24 bytes per customer in memory for the sort): a few hundred
    /// milliseconds for a million customers, so it runs after every customer import rather than nightly.
    @discardableResult
    public func refreshRFMBreakpoints(at now: Date) throws -> RFMBreakpoints {
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
        let breakpoints = RFMBreakpoints(recencies: recencies, orderCounts: counts, spends: spends, computedAt: now)
        let json = String(decoding: try JSONEncoder().encode(breakpoints), as: UTF8.self)
        try setValue(json, for: Self.rfmBreakpointsKey)
        return breakpoints
    }

    /// Recomputes the boundaries only when a file was imported after they were computed (a crash between an
    /// import and its recomputation), so a daemon start does not rescan every customer for nothing.
    public func refreshRFMBreakpointsIfStale(at now: Date) throws {
        let lastImport = try writer.read { db in try Double.fetchOne(db, sql: "SELECT MAX(imported_at) FROM imported_file") }
        if let current = try rfmBreakpoints(), lastImport.map({ $0 <= current.computedAt.timeIntervalSince1970 }) ?? true { return }
        try refreshRFMBreakpoints(at: now)
    }

    /// The boundaries of the last recomputation; nil before the first customer import.
    public func rfmBreakpoints() throws -> RFMBreakpoints? {
        guard let json = try value(for: Self.rfmBreakpointsKey) else { return nil }
        return try JSONDecoder().decode(RFMBreakpoints.self, from: Data(json.utf8))
    }
}
