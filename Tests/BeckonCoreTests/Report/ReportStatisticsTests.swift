import BeckonCore
import Foundation
import Testing

/// The report's tests against values computed by hand and published tables.
struct ReportStatisticsTests {
    @Test func twoProportionTestMatchesTheTextbookFigures() throws {
        // 60 of 500 against 40 of 500: pooled p = 0.1, SE = sqrt(0.1 * 0.9 * 2/500) = 0.018974, z = 2.108.
        let lift = try #require(ProportionComparison(treated: Proportion(60, of: 500), control: Proportion(40, of: 500)))
        #expect(abs(lift.absoluteLift - 0.04) < 1e-12)
        #expect(abs(lift.z - 2.10819) < 1e-4)
        #expect(abs(lift.pValue - 0.03502) < 1e-4)
        // Unpooled SE sqrt(.12 * .88 / 500 + .08 * .92 / 500) = 0.018931.
        #expect(abs(lift.absoluteInterval.lowerBound - 0.002895) < 1e-5)
        #expect(abs(lift.absoluteInterval.upperBound - 0.077105) < 1e-5)
        #expect(abs((lift.relativeLift ?? 0) - 0.5) < 1e-12)
        let relative = try #require(lift.relativeInterval)
        #expect(relative.contains(0.5) && relative.lowerBound > 0)
        #expect(lift.significant && !lift.tooSmall)
    }

    @Test func tinyGroupsAreTooSmallToTell() throws {
        let lift = try #require(ProportionComparison(treated: Proportion(2, of: 30), control: Proportion(0, of: 4)))
        #expect(lift.tooSmall && !lift.significant)
        #expect(lift.relativeLift == nil)
        #expect(ProportionComparison(treated: Proportion(1, of: 10), control: Proportion(0, of: 0)) == nil)
    }

    @Test func chiSquaredTailMatchesPublishedCriticalValues() {
        // The 5% critical values of the chi-squared table for 1, 2, 3 and 10 degrees of freedom.
        for (x, df) in [(3.841459, 1), (5.991465, 2), (7.814728, 3), (18.307038, 10)] {
            #expect(abs(Statistics.chiSquaredUpperTail(x, degreesOfFreedom: df) - 0.05) < 1e-6, "df \(df)")
        }
        #expect(abs(Statistics.chiSquaredUpperTail(6.634897, degreesOfFreedom: 1) - 0.01) < 1e-6)
        #expect(Statistics.chiSquaredUpperTail(0, degreesOfFreedom: 3) == 1)
    }

    @Test func chiSquaredOfTwoVariantsIsTheSquareOfTheZTest() throws {
        let a = Proportion(60, of: 500), b = Proportion(40, of: 500)
        let test = try #require(ChiSquaredTest([a, b]))
        let lift = try #require(ProportionComparison(treated: a, control: b))
        #expect(abs(test.statistic - lift.z * lift.z) < 1e-9)
        #expect(abs(test.pValue - lift.pValue) < 1e-9)
        #expect(test.degreesOfFreedom == 1 && test.significant)
        #expect(ChiSquaredTest([a]) == nil)
        let equal = try #require(ChiSquaredTest([Proportion(50, of: 500), Proportion(50, of: 500), Proportion(51, of: 500)]))
        #expect(!equal.significant && equal.degreesOfFreedom == 2)
    }

    @Test func wilsonIntervalStaysInsideZeroAndOne() throws {
        let none = try #require(Proportion(0, of: 20).interval)
        #expect(none.lowerBound == 0 && none.upperBound > 0.1 && none.upperBound < 0.2)  // 0.161
        let some = try #require(Proportion(10, of: 100).interval)
        #expect(abs(some.lowerBound - 0.05522) < 1e-4 && abs(some.upperBound - 0.17437) < 1e-4)
        #expect(Proportion(0, of: 0).rate == nil && Proportion(0, of: 0).interval == nil)
    }

    @Test func sampleSizeForALiftMatchesTheStandardFormula() {
        // 5% baseline, +20% relative (6%), two-sided 5%, power 80%: 8,158 a group.
        #expect(ProportionComparison.customersNeeded(baseline: 0.05, relativeLift: 0.2) == 8_158)
        #expect(ProportionComparison.customersNeeded(baseline: 0, relativeLift: 0.2) == nil)
        #expect(ProportionComparison.customersNeeded(baseline: 0.6, relativeLift: 1) == nil)
    }
}
