import Foundation

/// Whether variants differ: Pearson's chi-squared test of independence on the variants x (success, failure) table.
public struct ChiSquaredTest: Hashable, Sendable, Codable {
    public var statistic: Double
    public var degreesOfFreedom: Int
    public var pValue: Double
    /// A cell's expected count under 5: the chi-squared approximation does not hold, too small to tell.
    public var tooSmall: Bool

    public var significant: Bool { !tooSmall && pValue < 0.05 }

    /// nil with fewer than two variants that have trials.
    public init?(_ groups: [Proportion]) {
        let groups = groups.filter { $0.trials > 0 }
        guard groups.count >= 2 else { return nil }
        let total = Double(groups.map(\.trials).reduce(0, +))
        let successes = Double(groups.map(\.successes).reduce(0, +))
        let rate = successes / total
        var statistic = 0.0, tooSmall = false
        for group in groups {
            let n = Double(group.trials)
            for (observed, expected) in [(Double(group.successes), n * rate), (n - Double(group.successes), n * (1 - rate))] {
                if expected < 5 { tooSmall = true }
                if expected > 0 { statistic += (observed - expected) * (observed - expected) / expected }
            }
        }
        self.statistic = statistic
        degreesOfFreedom = groups.count - 1
        pValue = Statistics.chiSquaredUpperTail(statistic, degreesOfFreedom: degreesOfFreedom)
        self.tooSmall = tooSmall
    }
}
