import BeckonCore

/// Which channels a message may leave through, in order: the campaign's channel and its failover chain,
/// or, for campaigns on the `route` pseudo-channel, the carrier or country route of the phone number.
public struct ChannelRoutes: Sendable {
    /// channel -> the channel tried next when it fails transiently.
    public var failover: [String: String]
    public var router: CarrierRouter?
    /// The channel name campaigns use to ask for routing.
    public var routedName: String

    public init(failover: [String: String] = [:], router: CarrierRouter? = nil, routedName: String = "route") {
        self.failover = failover
        self.router = router
        self.routedName = routedName
    }

    public func candidates(for message: PlannedMessage) -> [String] {
        var chain: [String]
        if message.channel == routedName, let router {
            chain = router.channels(for: message.phone)
        } else {
            chain = [message.channel]
        }
        // Each channel's own failover follows it, without loops.
        var result: [String] = []
        for channel in chain {
            var next: String? = channel
            while let current = next, !result.contains(current) {
                result.append(current)
                next = failover[current]
            }
        }
        return result
    }
}
