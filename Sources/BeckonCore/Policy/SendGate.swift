import Foundation

/// The last word before a message leaves: is it the right local time, and do the customer's frequency
/// caps and the one-winner-a-day rule allow it?
///
/// Used twice with the same rules: by the dispatcher just before sending (against the durable ledger,
/// messages in flight included) and by `beckon plan`/`explain` to predict that decision.
public struct SendGate: Sendable {
    public let policy: DeliveryPolicy
    public let campaigns: [String: Campaign]

    let timings: [String: SendTiming]

    public init(policy: DeliveryPolicy, campaigns: [Campaign]) {
        self.policy = policy
        self.campaigns = Dictionary(campaigns.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.timings = self.campaigns.mapValues { policy.timing(for: $0) }
    }

    /// Verdicts for `due` (one customer's), highest campaign priority first. `history` holds the messages
    /// that already count; messages allowed here are added to it as they are decided.
    public func review(_ due: [PlannedMessage], tier: String?, zone: TimeZone, history: inout [CapRecord],
                       now: Date) -> [(PlannedMessage, PolicyVerdict)] {
        let ordered = due.sorted {
            let (a, b) = (priority($0), priority($1))
            return a != b ? a > b : $0.key < $1.key
        }
        return ordered.map { message in
            let verdict = decide(message, tier: tier, zone: zone, history: history, now: now)
            if case .send = verdict, counts(message) {
                history.append(CapRecord(key: message.key, category: message.category, priority: priority(message),
                                         at: now, status: .pending))
            }
            return (message, verdict)
        }
    }

    func priority(_ message: PlannedMessage) -> Int { campaigns[message.key.campaign]?.priority ?? 0 }

    /// Whether a message fills caps: transactional never does; a campaign may opt out.
    func counts(_ message: PlannedMessage) -> Bool {
        message.category != .transactional && (campaigns[message.key.campaign]?.policy.countsTowardCaps ?? true)
    }

    func decide(_ message: PlannedMessage, tier: String?, zone: TimeZone, history: [CapRecord], now: Date) -> PolicyVerdict {
        let campaign = campaigns[message.key.campaign]
        let send = PolicyVerdict.send(sendAt: message.sendAt, validUntil: message.validUntil)
        if now >= message.validUntil { return .expired(.init("past_valid_until", "its time to send ended")) }

        // A late cycle (a slow batch, a paused machine) must not push a message into quiet hours: the
        // local time is checked at the moment of sending, not only when planning.
        let timing = timings[message.key.campaign]
            ?? SendTiming(window: CampaignPolicy.defaultWindow, quietHours: policy.quietHours(for: message.category))
        if !timing.allows(now, in: zone) {
            let next = timing.nextOpening(after: now, in: zone)
            let reason = PolicyVerdict.Reason("outside_window", "it is \(ISOInstant.format(now, in: zone)) for the customer, outside \(timing.describeAllowed())")
            guard let next, next < message.validUntil else { return .expired(reason) }
            return .deferred(until: next, reason)
        }
        if message.category == .transactional || campaign?.policy.exemptFromCaps == true { return send }
        let counting = history.filter { record in
            record.category != .transactional && (campaigns[record.key.campaign]?.policy.countsTowardCaps ?? true)
        }

        // One winner a day: the higher priority was decided first, so whatever fills today's quota won.
        let today = LocalDate(now, in: zone)
        let todays = counting.filter { LocalDate($0.at, in: zone) == today }
        if todays.count >= policy.dailyLimit {
            let winners = todays.map { "\($0.key)" }.joined(separator: ", ")
            let reason = PolicyVerdict.Reason("lower_priority", "the customer's \(policy.dailyLimit) message(s) for \(today) went to \(winners)")
            let tomorrow = today.adding(days: 1).start(in: zone)
            if campaign?.policy.onConflict == .drop || tomorrow >= message.validUntil { return .dropped(reason) }
            return .deferred(until: tomorrow, reason)
        }

        if let (rule, earlier) = policy.caps.violation(category: message.category, tier: tier, history: counting, at: now) {
            let names = earlier.map { "\($0.key) at \(ISOInstant.format($0.at, in: zone))" }.joined(separator: ", ")
            let reason = PolicyVerdict.Reason(rule.code, "capped by \(rule) (\(message.category.rawValue)): \(names)")
            // The cap frees up when the oldest counted message leaves the rolling window.
            let frees = earlier[earlier.count - rule.max].at.addingTimeInterval(Double(rule.days) * 86_400)
            if frees >= message.validUntil { return .dropped(reason) }
            return .deferred(until: frees, reason)
        }
        return send
    }
}
