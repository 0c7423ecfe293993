import Foundation

/// Everything a report shows, computed once: the HTML, CSV and JSON forms all render this, so they agree.
public struct ReportFigures: Hashable, Sendable, Codable {
    public struct Funnel: Hashable, Sendable, Codable {
        public var campaign: String
        /// Every ledger row of the period: each is a customer the campaign's calendar made due.
        public var due: Int
        /// Not sent by a policy decision, by reason (`quiet_hours`, `frequency_cap`, `opted_out`...).
        public var heldByPolicy: [String: Int]
        /// In the campaign's control group or the global holdout: no message, on purpose.
        public var heldOut: Int
        /// Due but not sent yet (scheduled, deferred, in flight) when the report was made.
        public var waiting: Int
        /// Refused by the gateway (never billed).
        public var failed: Int
        /// Handed to and accepted by a gateway: queued, sent, delivered, undelivered, unknown.
        public var sent: Proportion
        public var delivered: Proportion
        /// Sent messages with a person's click (bots excluded). Of sent, not of delivered: channels without delivery
        /// reports (outbox, spool) deliver nothing the ledger can see, and a click proves delivery anyway.
        public var clicked: Proportion
        public var converted: Proportion
        public var clickThrough: Int
        public var viewThrough: Int
        public var revenue: Double
        public var segments: Int

        public var heldTotal: Int { heldByPolicy.values.reduce(0, +) }
    }

    /// Counts by local day of week (0 = Monday) and hour, in the customer's zone.
    public struct HeatMap: Hashable, Sendable, Codable {
        public var event: ReportRows.TimeBucket.Event
        public var cells: [[Int]]
        public var total: Int { cells.joined().reduce(0, +) }
        public var maximum: Int { cells.joined().max() ?? 0 }

        public init(event: ReportRows.TimeBucket.Event) {
            self.event = event
            cells = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        }
    }

    public struct CodeCount: Hashable, Sendable, Codable {
        public var code: String
        public var messages: Int
    }

    public struct DeliveryGroup: Hashable, Sendable, Codable {
        public var name: String
        public var sent: Int
        public var delivered: Proportion
        public var segments: Int
        /// segments x the channel's `unit_price`; nil when the channel has none.
        public var cost: Double?
        public var topFailures: [CodeCount]
    }

    public struct VariantResult: Hashable, Sendable, Codable {
        public var variant: String
        public var sent: Int
        public var delivered: Int
        public var clicked: Proportion
        public var converted: Proportion
        public var revenue: Double
    }

    public struct VariantComparison: Hashable, Sendable, Codable {
        public var campaign: String
        /// What the test compares: `conversions`, or `clicks` while nothing converted.
        public var measure: String
        public var variants: [VariantResult]
        public var test: ChiSquaredTest?
        public var verdict: String
    }

    public struct Lift: Hashable, Sendable, Codable {
        public var campaign: String
        public var comparison: ProportionComparison?
        public var treated: Proportion
        public var control: Proportion
        public var verdict: String
    }

    public struct TopMessage: Hashable, Sendable, Codable {
        public var campaign: String
        public var variant: String
        public var text: String
        public var sent: Int
        public var clicked: Int
        public var converted: Proportion
        public var revenue: Double
    }

    public struct OptOutCount: Hashable, Sendable, Codable {
        public var campaign: String
        public var replies: Proportion
    }

    public var period: ReportPeriod
    public var generatedAt: Date
    public var currency: String
    public var funnels: [Funnel]
    public var heatMaps: [HeatMap]
    public var carriers: [DeliveryGroup]
    public var channels: [DeliveryGroup]
    public var variants: [VariantComparison]
    public var lifts: [Lift]
    public var optOuts: [OptOutCount]
    public var topMessages: [TopMessage]
    public var botClicks: Int
    /// The relative lift the "customers needed" estimates are for.
    public var detectableLift: Double

    public var isEmpty: Bool { funnels.isEmpty }
    public var segments: Int { channels.map(\.segments).reduce(0, +) }
    public var cost: Double? {
        let costs = channels.compactMap(\.cost)
        return costs.isEmpty ? nil : costs.reduce(0, +)
    }
}
