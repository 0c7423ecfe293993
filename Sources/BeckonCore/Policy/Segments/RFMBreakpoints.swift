import Foundation

/// The quintile boundaries that turn a customer's last order, order count and spend into RFM scores.
///
/// Computed over the active customers after each customer import and kept in the store, so scoring a
/// customer later is three comparisons, and a customer who orders again moves up at once without waiting
/// for the next recomputation. Ties score alike: a value scores one more than the number of boundaries
/// strictly below it, so when 60% of customers never ordered they all score F1, not F1 to F3 at random.
public struct RFMBreakpoints: Hashable, Sendable, Codable {
    /// Four ascending boundaries per dimension (20th, 40th, 60th, 80th percentile).
    public var recency: [Double]
    public var frequency: [Double]
    public var monetary: [Double]
    /// How many customers the boundaries were computed over, and when (for `explain`).
    public var population: Int
    public var computedAt: Date

    /// A customer who never ordered has the lowest recency of all (finite, so the boundaries encode as JSON).
    public static let neverOrdered = -Double.greatestFiniteMagnitude

    /// - Parameters:
    ///   - lastOrders: each active customer's last order (seconds since 1970), nil when they never ordered.
    ///   - orderCounts, spends: the same customers' order counts and total spend, in any order.
    public init(lastOrders: [Double?], orderCounts: [Double], spends: [Double], computedAt: Date) {
        self.init(recencies: lastOrders.map { $0 ?? Self.neverOrdered }, orderCounts: orderCounts, spends: spends, computedAt: computedAt)
    }

    /// - Parameter recencies: last orders (seconds since 1970) with `neverOrdered` for customers who never
    ///   ordered: the form a million-customer scan can fill without an optional per value.
    public init(recencies: [Double], orderCounts: [Double], spends: [Double], computedAt: Date) {
        recency = Self.quintileBoundaries(recencies)
        frequency = Self.quintileBoundaries(orderCounts)
        monetary = Self.quintileBoundaries(spends)
        population = recencies.count
        self.computedAt = computedAt
    }

    public func score(_ customer: Customer) -> RFMScore {
        RFMScore(recency: Self.score(customer.lastOrderAt.map(\.timeIntervalSince1970) ?? Self.neverOrdered, recency),
                 frequency: Self.score(Double(customer.orderCount), frequency),
                 monetary: Self.score(customer.totalSpend, monetary))
    }

    /// The highest value of each of the first four fifths of the sorted values, so that distinct values
    /// split into five equal groups; empty input has no boundaries (everyone scores 1).
    static func quintileBoundaries(_ values: consuming [Double]) -> [Double] {
        guard !values.isEmpty else { return [] }
        // Sorted in place: a million customers are three 8 MB arrays, not six.
        var sorted = values
        sorted.sort()
        return (1...4).map { quintile in sorted[max(0, sorted.count * quintile / 5 - 1)] }
    }

    static func score(_ value: Double, _ boundaries: [Double]) -> Int {
        guard !boundaries.isEmpty else { return 1 }
        return 1 + boundaries.count { $0 < value }
    }
}
