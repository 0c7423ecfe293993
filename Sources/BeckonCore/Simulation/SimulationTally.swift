import Foundation

/// What a simulation counted: per local day (of the brand's zone) and campaign, what was planned, sent and held,
/// and per channel how many messages went in each hour.
public struct SimulationTally: Sendable {
    public struct Key: Hashable, Comparable, Sendable {
        public var day: LocalDate
        public var campaign: String

        public init(day: LocalDate, campaign: String) {
            self.day = day
            self.campaign = campaign
        }

        public static func < (a: Key, b: Key) -> Bool { (a.day, a.campaign) < (b.day, b.campaign) }
    }

    /// One day's figures for one campaign.
    public struct Figures: Hashable, Sendable {
        /// Messages the plan step scheduled that day (what `run --once` reports as planned).
        public var planned = 0
        /// Messages that went, their SMS segments and what those cost (segments x the channel's `unit_price`).
        public var sent = 0
        public var segments = 0
        public var cost = 0.0
        /// Messages kept from held-out and control customers (recorded, never sent).
        public var heldOut = 0
        /// Times the frequency caps or the daily limit held a message back that day (deferred or dropped).
        public var heldByCaps = 0
        /// Times the campaign's budget held a message back that day (deferred or dropped).
        public var heldByBudget = 0
        /// Messages that ended that day without going for another reason (suppressed, outside every window,
        /// superseded, expired...).
        public var stopped = 0

        public init() {}

        public mutating func add(_ other: Figures) {
            planned += other.planned
            sent += other.sent
            segments += other.segments
            cost += other.cost
            heldOut += other.heldOut
            heldByCaps += other.heldByCaps
            heldByBudget += other.heldByBudget
            stopped += other.stopped
        }
    }

    public var rows: [Key: Figures] = [:]
    /// Channel id -> hour (seconds since 1970 / 3600) -> messages sent through it in that hour.
    public var channelHours: [String: [Int: Int]] = [:]
    /// Customers simulated.
    public var customers = 0

    public init() {}

    public mutating func merge(_ other: SimulationTally) {
        rows.merge(other.rows) { a, b in
            var sum = a
            sum.add(b)
            return sum
        }
        for (channel, hours) in other.channelHours { channelHours[channel, default: [:]].merge(hours, uniquingKeysWith: +) }
        customers += other.customers
    }

    /// The figures of one day, over every campaign.
    public func total(on day: LocalDate) -> Figures {
        rows.filter { $0.key.day == day }.values.reduce(into: Figures()) { $0.add($1) }
    }

    /// The busiest hour of each channel: its start and the messages sent in it.
    public func peakHours() -> [(channel: String, hourStart: Date, messages: Int)] {
        channelHours.sorted { $0.key < $1.key }.compactMap { channel, hours in
            // The earliest of equally busy hours, so the answer does not depend on dictionary order.
            guard let peak = hours.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { return nil }
            return (channel, Date(timeIntervalSince1970: Double(peak.key) * 3600), peak.value)
        }
    }
}
