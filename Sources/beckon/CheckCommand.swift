import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Checks configuration, campaigns and templates before anything is sent.",
        discussion: """
            Loads etc/beckon.yaml and every campaign (any configuration error stops here, with file, line
            and key), then checks each template and variant: unknown fields without a default, risky
            phrases (with their position), missing signature or opt-out line, segments above the
            configured maximum, a short link outside the first third, empty variants. Prints characters,
            encoding and segments per message. Exits 1 when anything would block a send.

            Example:
              beckon check
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let configuration = try options.load()
        // Attribute columns seen in the store are fields templates may use: the customers', and for event
        // campaigns the columns their trigger files brought.
        var known = ContentCheck.customerFields
        var eventFields: [String: Set<String>] = [:]
        if FileManager.default.fileExists(atPath: configuration.database.path) {
            let store = try options.openStore(configuration)
            do {
                try store.forEachActiveCustomerBatch(batchSize: 1_000) { customers in
                    for customer in customers { known.formUnion(customer.attributes.keys) }
                    throw StopScan()
                }
            } catch is StopScan {}
            let events = Set(configuration.campaigns.compactMap { campaign -> String? in
                if case .event(let rule) = campaign.trigger { return rule.event } else { return nil }
            })
            eventFields = try store.eventAttributeNames(of: events)
        }
        let checker = ContentCheck(content: configuration.content, knownFields: known, eventFields: eventFields)
        var worst = ContentCheck.Finding.Severity.info
        print("campaign\tvariant\tchars\tencoding\tunits\tsegments")
        var allFindings: [ContentCheck.Finding] = []
        for campaign in configuration.campaigns {
            var (findings, measures) = checker.check(campaign)
            // The channel's own limit: a message longer than it can carry would fail at dispatch, so it fails here.
            let channels = campaign.channel == BeckonConfiguration.routedChannel
                ? Set(configuration.routing.routes.values.flatMap { $0 } + configuration.routing.fallback)
                : [campaign.channel]
            let limits = configuration.channels.filter { channels.contains($0.id) }
            for measure in measures {
                print("\(measure.campaign)\t\(measure.variant.isEmpty ? "-" : measure.variant)\t\(measure.characters)\t\(measure.count.encoding.rawValue)\t\(measure.count.units)\t\(measure.count.segments)")
                for channel in limits where measure.count.segments > channel.maxParts {
                    findings.append(.init(severity: .block, campaign: measure.campaign, variant: measure.variant,
                                          message: "\(measure.count.segments) parts exceed channel '\(channel.id)' max_parts \(channel.maxParts): it would fail at dispatch (never truncated)"))
                }
            }
            allFindings += findings
            worst = findings.map(\.severity).reduce(worst, max)
        }
        // Beckon asks Kannel for `max-messages`, but the sendsms-user's own settings decide (Kannel 1.4.5): without
        // `concatenation = true` the parts arrive as separate SMS, and with the default `max-messages` (1) the text
        // is cut to one part and still reported delivered. Beckon cannot see kannel.conf, so it says what to check.
        for channel in configuration.channels where channel.kind == .kannel && channel.maxParts > 1 {
            allFindings.append(.init(severity: .warn, campaign: "channel:\(channel.id)", variant: "", message: """
                max_parts \(channel.maxParts): a long message reaches the handset as one SMS only if Kannel's sendsms-user \
                has `concatenation = true` and `max-messages = \(channel.maxParts)` (or more); otherwise its parts arrive \
                as separate SMS, or it is cut to one part and still reported delivered. Set both in kannel.conf, or max_parts: 1
                """))
            worst = max(worst, .warn)
        }
        print("")
        for finding in allFindings { print(finding) }
        print("\(configuration.campaigns.count) campaign(s) checked: \(allFindings.filter { $0.severity == .block }.count) blocking, \(allFindings.filter { $0.severity == .warn }.count) warning(s)")
        if worst == .block { throw ExitCode.failure }
    }
}

/// Ends a store scan early (only a sample is needed).
private struct StopScan: Error {}
