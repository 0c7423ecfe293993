import Foundation

/// When the RFM quintile boundaries are recomputed (a scan of every active customer): never more often than
/// `minimumInterval`, and then only when something changed: as soon as `changedShare` of the population changed
/// since the last computation, or, with any change at all, just before a pass that plans everyone (the first of a
/// local day), so the day's campaigns score against the customers as they are that day.
public struct RFMRefresh: Hashable, Sendable {
    public var minimumInterval: TimeInterval
    public var changedShare: Double

    public init(minimumInterval: TimeInterval = 3_600, changedShare: Double = 0.01) {
        self.minimumInterval = minimumInterval
        self.changedShare = changedShare
    }

    /// - Parameters:
    ///   - computedAt: the last computation (nil: never: due at once).
    ///   - changed: active customers changed since then.
    ///   - everyoneNext: the pass about to run plans everyone.
    public func isDue(computedAt: Date?, population: Int, changed: Int, everyoneNext: Bool, now: Date) -> Bool {
        guard let computedAt else { return true }
        guard changed > 0, now.timeIntervalSince(computedAt) >= minimumInterval else { return false }
        return everyoneNext || Double(changed) >= changedShare * Double(max(population, 1))
    }
}
