import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonStore
import Foundation

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explains, campaign by campaign, what a customer gets and why.",
        discussion: """
            For every campaign: whether the customer gets a message on the local day of --at, when, and
            otherwise the first rule that stopped it (opted out, no consent, capped by 2/7d with the earlier
            messages named, outside the window and deferred, already sent). Nothing is sent or changed.

            Examples:
              beckon explain C0329
              beckon explain C0329 --at 2026-11-24T10:00:00+08:00
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The customer id, as in the customer file.")
    var customerID: String

    @Option(help: "The instant to explain (ISO 8601); default: now.")
    var at: String?

    func run() throws {
        let configuration = try options.load()
        let store = try options.openStore(configuration)
        let now = try parseInstant(at, configuration: configuration) ?? SystemClock().now
        guard let customer = try store.customer(id: customerID) else {
            throw ValidationError("no customer with id '\(customerID)' in \(configuration.database.path)")
        }
        let preview = try PlanPreview(configuration: configuration, store: store)
        let zone = preview.timeZone(for: customer)
        let day = LocalDate(now, in: zone)
        // The whole local day of the customer, so day-based triggers are seen whatever the hour.
        let window = DateInterval(start: day.start(in: zone), end: day.adding(days: 1).start(in: zone).addingTimeInterval(-1))
        let items = try preview.items(for: [customer], in: window, now: now)

        print("customer \(customer.id) (\(customer.name), \(maskPhone(customer.phone)), zone \(zone.identifier)\(customer.active ? "" : ", inactive"))")
        print("at \(ISOInstant.format(now, in: zone)), local day \(day)")
        if let breakpoints = preview.rfm {
            let score = breakpoints.score(customer)
            let segments = configuration.policy.segments.filter { $0.contains(score) }.map(\.name)
            print("RFM \(score) over \(breakpoints.population) active customers (\(ISOInstant.format(breakpoints.computedAt, in: zone))); segments: \(segments.isEmpty ? "none" : segments.joined(separator: ", "))")
        }
        if !customer.active { print("  inactive: no longer in the latest full customer snapshot; nothing is sent") }
        for campaign in configuration.campaigns {
            let mine = items.filter { $0.campaign == campaign.id }
            if !campaign.enabled {
                print("  \(campaign.id): disabled")
            } else if mine.isEmpty {
                print("  \(campaign.id): not due on \(day) (its trigger does not fire for this customer that day)")
            }
            for item in mine { print("  \(campaign.id): " + Self.sentence(item, now: now)) }
        }
    }

    static func sentence(_ item: PlanPreview.Item, now: Date) -> String {
        let zone = item.zone
        if let existing = item.existing {
            let when = ISOInstant.format(existing.updatedAt, in: zone)
            let code = existing.reasonCode.map { " (\($0))" } ?? ""
            switch existing.status {
            case .scheduled: return "scheduled for \(ISOInstant.format(existing.message.sendAt, in: zone)) [\(item.key)]"
            default: return "already \(existing.status.rawValue) on \(when)\(code) [\(item.key)]"
            }
        }
        switch item.verdict {
        case .send(let at, let until):
            return "gets it at \(ISOInstant.format(at, in: zone)) (valid until \(ISOInstant.format(until, in: zone))): \(item.occurrence.reason)"
        case .deferred(let until, let reason):
            return "deferred to \(ISOInstant.format(until, in: zone)): \(reason.code): \(reason.detail)"
        case .suppressed(let reason): return "suppressed: \(reason.code): \(reason.detail)"
        case .dropped(let reason): return "dropped: \(reason.code): \(reason.detail)"
        case .expired(let reason): return "expired: \(reason.code): \(reason.detail)"
        }
    }
}

func parseInstant(_ text: String?, configuration: BeckonConfiguration) throws -> Date? {
    guard let text else { return nil }
    guard let instant = ISOInstant.parse(text, defaultZone: configuration.timeZone) else {
        throw ValidationError("'\(text)' is not an ISO 8601 instant (e.g. 2026-11-24T10:00:00+08:00)")
    }
    return instant
}
