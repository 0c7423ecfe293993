import Foundation

/// Whether a channel's `rate` keeps up with its busiest hour: at `rate` messages a second it sends `rate` x 3600
/// an hour; more than that in one hour leaves a queue that takes the rest of the time to drain.
public struct ChannelCapacity: Hashable, Sendable {
    public var channel: String
    /// Messages a second (nil: the channel has no limit).
    public var rate: Double?
    public var peakMessages: Int

    public init(channel: String, rate: Double?, peakMessages: Int) {
        self.channel = channel
        self.rate = rate
        self.peakMessages = peakMessages
    }

    /// Messages the channel can send in an hour (nil: unlimited).
    public var perHour: Double? { rate.map { $0 * 3600 } }

    /// Minutes past the hour the last of the peak hour's messages leaves (0 when the hour is enough).
    public var minutesBehind: Int {
        guard let rate, rate > 0 else { return 0 }
        let seconds = Double(peakMessages) / rate - 3600
        return seconds > 0 ? Int((seconds / 60).rounded(.up)) : 0
    }

    public var verdict: String {
        minutesBehind == 0 ? "would keep up" : "would fall behind by \(minutesBehind) minutes"
    }
}
