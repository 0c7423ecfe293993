import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonStore
import Foundation

struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stops sending at once (everything, a channel or a campaign) until beckon resume.",
        discussion: """
            Without options every send is paused; --channel and --campaign (each may be repeated) pause only
            those. A running daemon stops claiming the paused messages within a tenth of a second, before its
            next send; what is already on the wire finishes. Imports, planning, delivery reports and replies go
            on. A paused message stays scheduled with its valid_until: it goes when the pause is lifted, or
            expires as it would have (a birthday message is never sent after the birthday).

            The pause is kept in the store, so it survives restarts, and it is written beside a running daemon
            (it changes no message). beckon status shows what is paused and since when.

            Examples:
              beckon pause
              beckon pause --channel sms
              beckon pause --campaign spring-sale --campaign recall
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("channel"), help: "A channel to pause (repeatable).")
    var channels: [String] = []

    @Option(name: .customLong("campaign"), help: "A campaign to pause (repeatable).")
    var campaigns: [String] = []

    func run() throws {
        let configuration = try options.load()
        try PauseTargets.validate(channels: channels, campaigns: campaigns, in: configuration)
        let store = try options.openStore(configuration)
        let now = SystemClock().now
        var pauses = channels.map { SendPause(scope: .channel, name: $0, since: now) }
            + campaigns.map { SendPause(scope: .campaign, name: $0, since: now) }
        if pauses.isEmpty { pauses = [SendPause(scope: .all, since: now)] }
        try store.pause(pauses)
        print(PauseTargets.describe(try store.sendPauses(), zone: configuration.timeZone))
    }
}

/// What `pause` and `resume` share: names checked against the configuration, and how pauses read.
enum PauseTargets {
    /// A typo would pause nothing and look as if it had worked: refuse names the configuration lacks.
    static func validate(channels: [String], campaigns: [String], in configuration: BeckonConfiguration) throws {
        let knownChannels = Set(configuration.channels.map(\.id))
        for channel in channels where !knownChannels.contains(channel) {
            throw ValidationError("no channel '\(channel)' in the configuration (channels: \(knownChannels.sorted().joined(separator: ", ")))")
        }
        let knownCampaigns = Set(configuration.campaigns.map(\.id))
        for campaign in campaigns where !knownCampaigns.contains(campaign) {
            throw ValidationError("no campaign '\(campaign)' in the configuration (campaigns: \(knownCampaigns.sorted().joined(separator: ", ")))")
        }
    }

    static func describe(_ pauses: [SendPause], zone: TimeZone) -> String {
        guard !pauses.isEmpty else { return "sending: not paused" }
        return pauses.map { pause in
            let what = pause.scope == .all ? "everything" : "\(pause.scope.rawValue) \(pause.name)"
            return "paused: \(what) since \(ISOInstant.format(pause.since, in: zone))"
        }.joined(separator: "\n")
    }
}
