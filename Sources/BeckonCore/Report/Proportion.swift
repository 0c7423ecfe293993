import Foundation

/// A count out of a denominator (converted out of sent), with its rate and a 95% interval.
public struct Proportion: Hashable, Sendable, Codable {
    public var successes: Int
    public var trials: Int

    public init(_ successes: Int, of trials: Int) {
        self.successes = successes
        self.trials = trials
    }

    /// nil when there is nothing to divide by: a report says "no messages", never 0%.
    public var rate: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }

    /// The Wilson score interval at 95%: unlike the normal approximation it stays inside 0...1 and is honest for
    /// small counts and rates near 0, which is where conversion rates live.
    public var interval: ClosedRange<Double>? {
        guard trials > 0 else { return nil }
        let n = Double(trials), p = Double(successes) / n, z = Statistics.z95
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / (1 + z * z / n)
        return max(0, centre - half)...min(1, centre + half)
    }
}

/// Constants and distribution functions the report's tests share.
///
/// Written by hand: none of the project's libraries has statistics, and these few functions are short and
/// standard (normal tail through `erfc`, the regularized incomplete gamma function for chi-squared).
public enum Statistics {
    /// The two-sided 95% quantile of the standard normal distribution.
    public static let z95 = 1.959963984540054
    /// The one-sided 80% quantile: the power a sample-size estimate is computed for.
    public static let z80 = 0.8416212335729143

    /// P(|Z| >= |z|) for a standard normal Z.
    public static func twoSidedNormalP(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// P(X >= x) for X chi-squared with `degreesOfFreedom`.
    public static func chiSquaredUpperTail(_ x: Double, degreesOfFreedom: Int) -> Double {
        guard x > 0 else { return 1 }
        return regularizedUpperGamma(Double(degreesOfFreedom) / 2, x / 2)
    }

    /// Q(a, x) = Γ(a, x) / Γ(a): the series for x < a + 1, Lentz's continued fraction otherwise (both converge
    /// fast in their region; Numerical Recipes §6.2).
    static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        let logPrefix = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, denominator = a
            for _ in 0..<1_000 {
                denominator += 1
                term *= x / denominator
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...1_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(logPrefix) * h)
    }
}
