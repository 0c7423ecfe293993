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
            For every campaign: exactly what `beckon run --once --now AT` would do for the customer (plan
            what is due since the last cycle, send what is due at that instant, hold the rest with the first
            rule that stopped it: opted out, no consent, lower priority than another campaign that day, capped
            by 2/7d with the earlier messages named, outside the window), what is left scheduled for later that
            local day and how it will be decided as things stand, and what fires later that day. Nothing is
            sent or changed.

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
        // Exactly what `run --once --now` at this instant does for the customer, then what fires later that day.
        let items = try preview.cycle(for: [customer], at: now)
        let later = try preview.occurrences(of: customer, on: day, now: now).filter { $0.occurrence.instant > now }
        // What the ledger already holds for the day that this cycle does not touch (sent, superseded, cancelled...).
        let recorded = try store.entries(customerID: customer.id, localDate: day)

        print("customer \(customer.id) (\(customer.name), \(maskPhone(customer.phone)), zone \(zone.identifier)\(customer.active ? "" : ", inactive"))")
        print("at \(ISOInstant.format(now, in: zone)), local day \(day)")
        if let breakpoints = preview.rfm {
            let score = breakpoints.score(customer)
            let segments = configuration.policy.segments.filter { $0.contains(score) }.map(\.name)
            print("RFM \(score) over \(breakpoints.population) active customers (\(ISOInstant.format(breakpoints.computedAt, in: zone))); segments: \(segments.isEmpty ? "none" : segments.joined(separator: ", "))")
        }
        if !customer.active { print("  inactive: no longer in the latest full customer snapshot; nothing is sent") }
        for line in Self.holdoutLines(customer.id, configuration) { print(line) }
        let rule = configuration.budgetRule
        for campaign in configuration.campaigns {
            // The day's messages, and any other the cycle changes (a stale one expiring, a deferred one going).
            let mine = items.filter { item in
                item.campaign == campaign.id && (item.key.localDate == day || !item.changes.isEmpty
                    || item.sendAt.map { LocalDate($0, in: zone) == day } == true)
            }
            var known = Set(mine.map(\.key))
            let settled = recorded.filter { $0.message.key.campaign == campaign.id && !known.contains($0.message.key) }.map { entry in
                PlanPreview.Item(campaign: campaign.id, customer: customer, zone: zone, key: entry.message.key, occurrence: nil,
                                 message: entry.message, existing: entry)
            }
            known.formUnion(settled.map(\.key))
            let fires = later.filter { decision in
                decision.campaign == campaign.id
                    && !known.contains(MessageKey(campaign: decision.campaign, wave: decision.occurrence.wave,
                                                  customer: decision.customer, localDate: decision.occurrence.localDate))
            }
            if let budget = campaign.budget {
                print("  \(campaign.id): " + Self.budgetLine(budget, spend: try store.budgetSpend(campaign: campaign.id, at: now, rule: rule)))
            }
            if !campaign.enabled {
                print("  \(campaign.id): disabled")
            } else if mine.isEmpty && fires.isEmpty && settled.isEmpty {
                print("  \(campaign.id): not due on \(day) (its trigger does not fire for this customer that day)")
            }
            for item in settled + mine { print("  \(campaign.id): " + Self.sentence(item, now: now)) }
            for decision in fires {
                print("  \(campaign.id): fires at \(ISOInstant.format(decision.occurrence.instant, in: zone)), after this instant: the first cycle after then plans it (\(decision.occurrence.reason))")
            }
        }
    }

    static func sentence(_ item: PlanPreview.Item, now: Date) -> String {
        let zone = item.zone
        func format(_ date: Date) -> String { ISOInstant.format(date, in: zone) }
        // What happens then to a message left scheduled for later today, as things stand.
        var then: String {
            guard let forecast = item.forecast else { return "" }
            switch forecast {
            case .send: return "; it wins its day as things stand"
            case .deferred(let until, let reason):
                return "; as things stand it will then be deferred to \(format(until)): \(reason.code): \(reason.detail)"
            case .suppressed(let r), .dropped(let r), .expired(let r):
                return "; as things stand it will then be \(forecast.status.rawValue): \(r.code): \(r.detail)"
            }
        }
        if let change = item.changes.last {
            switch change.after {
            case .sent:
                return "sends it now (\(format(now))): \(item.occurrence?.reason ?? item.message?.reason ?? "") [\(item.key)]"
            case .scheduled where change.before == nil:
                let at = change.sendAt ?? item.message?.sendAt ?? now
                let until = item.message.map { " (valid until \(format($0.validUntil)))" } ?? ""
                return "gets it at \(format(at))\(until): \(item.occurrence?.reason ?? "")\(then) [\(item.key)]"
            case .deferred, .scheduled:
                let reason = change.reason.map { ": \($0.code): \($0.detail)" } ?? ""
                return "deferred to \(change.sendAt.map(format) ?? "later")\(reason) [\(item.key)]"
            default:
                let reason = change.reason.map { ": \($0.code): \($0.detail)" } ?? ""
                return "\(change.after.rawValue)\(reason) [\(item.key)]"
            }
        }
        if let existing = item.existing {
            let code = existing.reasonCode.map { " (\($0))" } ?? ""
            switch existing.status {
            case .scheduled: return "scheduled for \(format(existing.message.sendAt))\(then) [\(item.key)]"
            default: return "already \(existing.status.rawValue) on \(format(existing.updatedAt))\(code) [\(item.key)]"
            }
        }
        // Decided by the planner without a ledger row (not in the audience, no template): nothing is recorded.
        switch item.decision {
        case .some(.send(let at, let until)):
            return "gets it at \(format(at)) (valid until \(format(until))): \(item.occurrence?.reason ?? "")"
        case .some(let verdict):
            let reason = verdict.reason.map { ": \($0.code): \($0.detail)" } ?? ""
            return "\(verdict.status.rawValue)\(reason)"
        case .none:
            return "no decision"
        }
    }

    /// What the campaign's budget has left this day and month (brand zone): the dispatcher's claim holds a message
    /// that would pass a limit with `budget_exhausted`.
    static func budgetLine(_ budget: CampaignBudget, spend: BudgetSpend) -> String {
        let parts = budget.limits.map { limit -> String in
            let used: Double
            switch (limit.period, limit.unit) {
            case (.day, .segments): used = Double(spend.daySegments)
            case (.day, .money): used = spend.dayCost
            case (.month, .segments): used = Double(spend.monthSegments)
            case (.month, .money): used = spend.monthCost
            }
            let format = { (value: Double) in limit.unit == .segments ? String(Int(value)) : String(format: "%.2f", value) }
            return "\(limit.key) \(format(used))/\(format(limit.amount))\(used >= limit.amount ? " (exhausted: budget_exhausted)" : "")"
        }
        return "budget used (sent and in flight): " + parts.joined(separator: ", ")
    }

    /// Where the customer stands toward the global holdout and each campaign's control group, with the
    /// bucket that decides it (the same `Holdout` rule the planner and the send gate apply).
    static func holdoutLines(_ customer: String, _ configuration: BeckonConfiguration) -> [String] {
        var lines: [String] = []
        if let global = configuration.policy.holdout {
            let inside = global.contains(customer)
            lines.append("  global holdout \(global.percentText) (salt \(global.saltFingerprint)): bucket \(global.bucket(of: customer)) \(inside ? "<" : ">=") \(global.basisPoints), \(inside ? "held out of every non-transactional campaign" : "not held out")")
        }
        for campaign in configuration.campaigns where campaign.enabled {
            guard let control = campaign.control, campaign.category != .transactional else { continue }
            let inside = control.contains(customer)
            lines.append("  \(campaign.id) control \(control.percentText) (salt \(control.saltFingerprint)): bucket \(control.bucket(of: customer)) \(inside ? "<" : ">=") \(control.basisPoints), \(inside ? "in its control group: gets none of its messages" : "not in its control group")")
        }
        return lines
    }
}

func parseInstant(_ text: String?, configuration: BeckonConfiguration) throws -> Date? {
    guard let text else { return nil }
    guard let instant = ISOInstant.parse(text, defaultZone: configuration.timeZone) else {
        throw ValidationError("'\(text)' is not an ISO 8601 instant (e.g. 2026-11-24T10:00:00+08:00)")
    }
    return instant
}
