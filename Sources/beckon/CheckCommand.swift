import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
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
        // The fields templates may use: customer columns and trigger-file columns seen in the store, if there is one.
        let store = FileManager.default.fileExists(atPath: configuration.database.path) ? try options.openStore(configuration) : nil
        let checker = try ConfigurationCheck.checker(for: configuration, store: store)
        var worst = ContentCheck.Finding.Severity.info
        print("campaign\tvariant\tchars\tencoding\tunits\tsegments")
        var allFindings: [ContentCheck.Finding] = []
        for campaign in configuration.campaigns {
            var (findings, measures) = checker.check(campaign)
            for measure in measures {
                print("\(measure.campaign)\t\(measure.variant.isEmpty ? "-" : measure.variant)\t\(measure.characters)\t\(measure.count.encoding.rawValue)\t\(measure.count.units)\t\(measure.count.segments)")
            }
            // The channel's own limit: a message longer than it can carry would fail at dispatch, so it fails here.
            findings += ConfigurationCheck.channelFindings(campaign, measures, in: configuration)
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
        // Pools that will not last at the rate planning takes their codes.
        if let store {
            let now = SystemClock().now
            for pool in try store.couponPools(today: LocalDate(now, in: configuration.timeZone),
                                              since: now.addingTimeInterval(-Double(CouponOutlook.rateDays) * 86_400)) {
                if let warning = pool.outlook.warning(warnDays: configuration.couponWarnDays) {
                    allFindings.append(.init(severity: .warn, campaign: "coupon:\(pool.pool)", variant: "", message: warning))
                    worst = max(worst, .warn)
                }
            }
        }
        print("")
        // Who is held out, and whether a salt changed since the daemon last ran (read only: the run records it).
        for line in try HoldoutSalts.describe(configuration, store: store) { print(line) }
        for finding in allFindings { print(finding) }
        print("\(configuration.campaigns.count) campaign(s) checked: \(allFindings.filter { $0.severity == .block }.count) blocking, \(allFindings.filter { $0.severity == .warn }.count) warning(s)")
        if worst == .block { throw ExitCode.failure }
    }
}

