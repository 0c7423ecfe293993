import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

/// After a reload, messages still waiting to be sent take the new templates: each is composed again, by the
/// new configuration's planner, from its customer as the store holds them now.
///
/// An `event` campaign's messages keep their text: they were composed with the event's own fields, which the
/// ledger does not keep, and composing them without those would lose them.
enum WaitingMessageRetext {
    /// Returns how many messages got a new text.
    static func apply(to campaigns: [Campaign], planner: Planner, store: SQLiteStore, at now: Date) throws -> Int {
        let composable = Dictionary(campaigns.filter { !composedFromEvents($0) }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var changed: [SQLiteStore.WaitingText] = []
        var customers: [String: Customer?] = [:]
        for waiting in try store.waitingMessages(ofCampaigns: Set(composable.keys)) {
            guard let campaign = composable[waiting.key.campaign] else { continue }
            let customer: Customer?
            if let known = customers[waiting.key.customer] {
                customer = known
            } else {
                customer = try store.customer(id: waiting.key.customer)
                customers[waiting.key.customer] = customer
            }
            // A template that fails for this customer now keeps the text it was planned with.
            // Its links keep their tokens: the text changes only where the template did.
            let tokens = planner.composer.content.links == nil ? planner.linkTokens
                : ReusedLinkTokens(existing: try store.linkTokens(of: waiting.key), fresh: planner.linkTokens)
            guard let customer, let composed = try? planner.composer.compose(campaign, values: Planner.templateValues(for: customer),
                                                                             key: waiting.key, tokens: tokens),
                  composed.text != waiting.text || composed.variant != waiting.variant else { continue }
            let links = Planner.expiring(composed.links, sentAt: max(waiting.sendAt, now), settings: planner.composer.content.links)
            changed.append(.init(key: waiting.key, text: composed.text, variant: composed.variant, links: links, sendAt: waiting.sendAt))
        }
        return try store.replaceWaitingTexts(changed, at: now)
    }

    /// The campaigns whose messages would read differently now: their template, variants or category changed,
    /// or the `content:` section or the campaign's own content settings (signature, opt-out line) did. The others' waiting messages are not read at all.
    static func changedComposition(from running: BeckonConfiguration, to next: BeckonConfiguration) -> [Campaign] {
        let before = Dictionary(running.campaigns.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return next.campaigns.filter { campaign in
            guard let old = before[campaign.id] else { return false }
            let content = running.content != next.content || old.content != campaign.content
            return content || old.template != campaign.template || old.variants != campaign.variants
                || old.category != campaign.category || old.trackedLink != campaign.trackedLink
        }
    }

    static func composedFromEvents(_ campaign: Campaign) -> Bool {
        if case .event = campaign.trigger { return true }
        return false
    }
}
