/// What an operator has paused (`beckon pause`): every send, some channels, some campaigns.
///
/// A pause only holds sends back. Imports, planning, delivery reports and replies go on, and a held message
/// keeps its `valid_until`: it goes when the pause is lifted, or expires as it would have anyway.
public struct SendPauses: Hashable, Sendable {
    public var all: Bool
    public var channels: Set<String>
    public var campaigns: Set<String>

    public init(all: Bool = false, channels: Set<String> = [], campaigns: Set<String> = []) {
        self.all = all
        self.channels = channels
        self.campaigns = campaigns
    }

    public static let none = SendPauses()

    public var isEmpty: Bool { !all && channels.isEmpty && campaigns.isEmpty }

    /// Whether a message of `campaign` may not go through `channel` now. `channel` is the one it would use
    /// (a routed campaign's message names `route`; its carrier's channel is what a channel pause is about).
    public func holds(campaign: String, channel: String) -> Bool {
        all || campaigns.contains(campaign) || channels.contains(channel)
    }
}
