import BeckonConfig
import BeckonCore
import BeckonInbox
import BeckonStore
import Foundation
import Metrics

/// When the daemon and `beckon report` credit conversions to messages (the rule: `Attribution`, docs/conversions.md).
///
/// Credits are recomputed from the ledger, so they are recomputed whenever something they depend on may have
/// come: after a conversions file (its conversions), and before a report is read (every conversion that can be
/// credited to the report's messages: a delivery report or a click that came after the conversion file counts).
/// What is credited for the first time moves `beckon_conversions_total` and `beckon_conversion_revenue_total`.
public struct ConversionAttribution: Sendable {
    public var store: any ConversionStore
    public var windows: Attribution.Windows

    public init(store: any ConversionStore, campaigns: [Campaign]) {
        self.store = store
        windows = Attribution.Windows(campaigns: campaigns)
    }

    /// Credits the conversions the files just imported stored.
    @discardableResult
    public func afterImport(_ outcomes: [InboxProcessor.Outcome]) throws -> AttributionSummary? {
        let spans = outcomes.compactMap(\.conversionsSpan)
        guard let first = spans.first else { return nil }
        let span = spans.dropFirst().reduce(first) { DateInterval(start: min($0.start, $1.start), end: max($0.end, $1.end)) }
        // The interval's end is exclusive in the store: one second past the latest conversion takes it in.
        return try attribute(DateInterval(start: span.start, end: span.end.addingTimeInterval(1)))
    }

    /// Credits every conversion that can be credited to the messages of `period` (`ReportPeriod` counts ledger
    /// rows by their local day), before the report reads the credits.
    @discardableResult
    public func beforeReport(_ period: ReportPeriod) throws -> AttributionSummary {
        try attribute(interval(for: period))
    }

    /// From two days before the period's first day (zones run from UTC-12 to UTC+14) to two days after its last,
    /// plus the longest window: a conversion outside it cannot follow a delivery of the period's messages.
    func interval(for period: ReportPeriod) -> DateInterval {
        let start = period.from.adding(days: -2).start(in: .gmt)
        let end = period.to.adding(days: 3).start(in: .gmt).addingTimeInterval(windows.longestSeconds)
        return DateInterval(start: start, end: end)
    }

    private func attribute(_ interval: DateInterval) throws -> AttributionSummary {
        let summary = try store.attributeConversions(in: interval, windows: windows)
        for (series, count) in summary.newConversions {
            Self.conversions(campaign: series.campaign, through: series.through).increment(by: count)
        }
        for (campaign, amount) in summary.newRevenue where amount > 0 {
            Self.revenue(campaign: campaign).increment(by: amount)
        }
        return summary
    }

    static func conversions(campaign: String, through: Attribution.Through) -> Counter {
        Counter(label: "beckon_conversions_total", dimensions: [("campaign", campaign), ("through", through.rawValue)])
    }

    static func revenue(campaign: String) -> FloatingPointCounter {
        FloatingPointCounter(label: "beckon_conversion_revenue_total", dimensions: [("campaign", campaign)])
    }

    /// Makes every campaign's series, so `/metrics` shows 0 before the first conversion.
    static func makeCounters(_ configuration: BeckonConfiguration) {
        for campaign in configuration.campaigns where campaign.enabled {
            for through in Attribution.Through.allCases { _ = conversions(campaign: campaign.id, through: through) }
            _ = revenue(campaign: campaign.id)
        }
    }
}
