import Foundation

/// The lift of a treated group (sent) over a control group: a two-proportion z-test, with the absolute difference's
/// 95% interval and the relative lift's (through the log of the ratio), and the sample a given lift would need.
public struct ProportionComparison: Hashable, Sendable, Codable {
    public var treated: Proportion
    public var control: Proportion
    /// treated rate - control rate.
    public var absoluteLift: Double
    public var absoluteInterval: ClosedRange<Double>
    /// treated rate / control rate - 1; nil when the control converted nobody (no ratio to take).
    public var relativeLift: Double?
    public var relativeInterval: ClosedRange<Double>?
    public var z: Double
    public var pValue: Double
    /// Fewer than 5 expected successes or failures in a group: the normal approximation behind the test does not
    /// hold, and the report says the sample is too small to tell rather than quoting a p-value as if it did.
    public var tooSmall: Bool

    public var significant: Bool { !tooSmall && pValue < 0.05 }

    /// nil when either group is empty.
    public init?(treated: Proportion, control: Proportion) {
        guard treated.trials > 0, control.trials > 0 else { return nil }
        self.treated = treated
        self.control = control
        let n1 = Double(treated.trials), n2 = Double(control.trials)
        let p1 = Double(treated.successes) / n1, p2 = Double(control.successes) / n2
        absoluteLift = p1 - p2
        let unpooled = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2).squareRoot()
        absoluteInterval = (absoluteLift - Statistics.z95 * unpooled)...(absoluteLift + Statistics.z95 * unpooled)
        let pooled = Double(treated.successes + control.successes) / (n1 + n2)
        let pooledError = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        z = pooledError > 0 ? absoluteLift / pooledError : 0
        pValue = pooledError > 0 ? Statistics.twoSidedNormalP(z) : 1
        if treated.successes > 0, control.successes > 0 {
            let ratio = p1 / p2
            let logError = ((1 - p1) / Double(treated.successes) + (1 - p2) / Double(control.successes)).squareRoot()
            relativeLift = ratio - 1
            relativeInterval = (ratio * exp(-Statistics.z95 * logError) - 1)...(ratio * exp(Statistics.z95 * logError) - 1)
        }
        let expected = [n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)]
        tooSmall = expected.contains { $0 < 5 }
    }

    /// Customers needed in each group to detect `relativeLift` over `baseline` (two-sided 5%, power 80%), or nil
    /// when the baseline or the lift makes the question meaningless (rate 0, a lift past 100%).
    public static func customersNeeded(baseline: Double, relativeLift: Double) -> Int? {
        let p2 = baseline, p1 = baseline * (1 + relativeLift)
        guard p2 > 0, p2 < 1, p1 > 0, p1 < 1, p1 != p2 else { return nil }
        let mean = (p1 + p2) / 2
        let root = Statistics.z95 * (2 * mean * (1 - mean)).squareRoot() + Statistics.z80 * (p1 * (1 - p1) + p2 * (1 - p2)).squareRoot()
        return Int((root * root / ((p1 - p2) * (p1 - p2))).rounded(.up))
    }
}
