import BeckonCore
import Foundation

/// What `beckon simulate` prints, in every format: the simulated days' rows, the totals, the days that caps or
/// budgets held messages on, and each channel's busiest hour against its rate.
public struct SimulationFigures: Codable, Sendable {
    public struct Row: Codable, Sendable, Hashable {
        public var day: String
        public var campaign: String
        public var planned: Int
        public var sent: Int
        public var segments: Int
        public var cost: Double
        public var heldOut: Int
        public var heldByCaps: Int
        public var heldByBudget: Int
        public var stopped: Int
    }

    public struct Channel: Codable, Sendable, Hashable {
        public var channel: String
        /// Messages a second (nil: unlimited).
        public var rate: Double?
        public var peakHourStart: String
        public var peakMessages: Int
        public var perHour: Double?
        public var minutesBehind: Int
        public var verdict: String
    }

    public var from: String
    public var to: String
    public var timeZone: String
    public var currency: String
    public var customers: Int
    /// `--growth`, described (nil: today's customers as they are).
    public var growth: String?
    /// One row per day and campaign with anything to count, by day then campaign.
    public var rows: [Row]
    public var total: Row
    public var channels: [Channel]
    /// Days on which caps or budgets held messages, with how many and of which campaigns.
    public var heldDays: [Row]
    public var seconds: Double?

    /// - Parameter rates: each channel's `rate` (messages a second; nil: unlimited).
    public init(_ tally: SimulationTally, from: LocalDate, to: LocalDate, zone: TimeZone, currency: String,
                rates: [String: Double?], growth: SimulationGrowth?, seconds: Double? = nil) {
        self.from = from.description
        self.to = to.description
        timeZone = zone.identifier
        self.currency = currency
        customers = tally.customers
        self.growth = growth.map { "\($0) (an estimate: scaled from today's customers)" }
        self.seconds = seconds
        func row(_ day: String, _ campaign: String, _ f: SimulationTally.Figures) -> Row {
            Row(day: day, campaign: campaign, planned: f.planned, sent: f.sent, segments: f.segments, cost: (f.cost * 100).rounded() / 100,
                heldOut: f.heldOut, heldByCaps: f.heldByCaps, heldByBudget: f.heldByBudget, stopped: f.stopped)
        }
        rows = tally.rows.keys.sorted().map { row($0.day.description, $0.campaign, tally.rows[$0]!) }
        total = row("total", "all", tally.rows.values.reduce(into: SimulationTally.Figures()) { $0.add($1) })
        heldDays = rows.filter { $0.heldByCaps > 0 || $0.heldByBudget > 0 }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        channels = tally.peakHours().map { peak in
            let capacity = ChannelCapacity(channel: peak.channel, rate: rates[peak.channel] ?? nil, peakMessages: peak.messages)
            return Channel(channel: peak.channel, rate: capacity.rate, peakHourStart: formatter.string(from: peak.hourStart), peakMessages: peak.messages,
                           perHour: capacity.perHour, minutesBehind: capacity.minutesBehind, verdict: capacity.verdict)
        }
    }

    /// The days in order with their totals over every campaign.
    public var days: [(day: String, sent: Int, segments: Int, cost: Double)] {
        var order: [String] = []
        var sums: [String: (Int, Int, Double)] = [:]
        for row in rows {
            if sums[row.day] == nil { order.append(row.day) }
            let s = sums[row.day] ?? (0, 0, 0)
            sums[row.day] = (s.0 + row.sent, s.1 + row.segments, s.2 + row.cost)
        }
        return order.map { ($0, sums[$0]!.0, sums[$0]!.1, sums[$0]!.2) }
    }
}
