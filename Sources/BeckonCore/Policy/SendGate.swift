import Foundation

/// The one rule for what a customer gets at the moment of sending: suppressions that arrived since planning,
/// the local time, which campaign wins the customer's local day, and the rolling frequency caps.
///
/// The same function decides for the dispatcher (through `PolicyGate`, against the ledger), for `beckon
/// explain` and `beckon plan` (through `PolicyCycle`, against the same ledger read into memory) and for
/// simulations (an in-memory `PolicyLedger` only). It reads nothing but its arguments.
///
/// A customer's day is decided over the whole local day, priority first, whatever the send times: the
/// messages due now compete with the ones already sent that day and with the ones scheduled for later that
/// day. They are ranked by campaign priority (then earlier send time, then key); going down the ranking,
/// each message takes one of the day's `daily_limit` places and its share of the caps if it would be allowed
/// at its own time, so a priority-1 message due at 10:00 yields to a priority-10 message scheduled for 15:00,
/// and a message already sent keeps its place (it went). The loser is deferred to its spread point on the next
/// day with allowed time, or dropped (`on_conflict: drop`, or when that is past its `valid_until`), with the
/// reason `lower_priority` naming the winners.
public struct SendGate: Sendable {
    public let policy: DeliveryPolicy
    public let campaigns: [String: Campaign]

    let timings: [String: SendTiming]

    public init(policy: DeliveryPolicy, campaigns: [Campaign]) {
        self.policy = policy
        self.campaigns = Dictionary(campaigns.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.timings = self.campaigns.mapValues { policy.timing(for: $0) }
    }

    /// The customer as the gate sees them now (their row in the store, not the one at planning time).
    public struct Recipient: Hashable, Sendable {
        public var id: String
        public var phone: String
        public var tier: String?
        public var active: Bool
        public var zone: TimeZone
        /// The latest instant of each event that cancels some campaign's messages (`Customer.latestCancellingEvents`).
        public var latestCancellingEvents: [String: Date]

        public init(id: String, phone: String, tier: String?, active: Bool = true, zone: TimeZone,
                    latestCancellingEvents: [String: Date] = [:]) {
            self.latestCancellingEvents = latestCancellingEvents
            self.id = id
            self.phone = phone
            self.tier = tier
            self.active = active
            self.zone = zone
        }
    }

    /// What the gate decided at one instant for one customer.
    public struct Review: Sendable {
        /// Every message due now: the ones asked about and the customer's other scheduled messages whose
        /// time has come (so the verdicts do not depend on how the due messages were cut into batches).
        public var decided: [MessageKey: PolicyVerdict] = [:]
        /// The customer's messages scheduled for later the same local day, as they would be decided at their
        /// time if nothing changes: what `explain` announces.
        public var forecast: [MessageKey: PolicyVerdict] = [:]
    }

    /// One message competing for the day.
    struct Candidate {
        var record: CapRecord
        var priority: Int
        /// Due now (decided at `now`), or later today (forecast at its own time).
        var isDue: Bool
    }

    /// Decides the customer's due messages at `now`.
    ///
    /// - Parameters:
    ///   - due: messages whose send time has come (at least these are decided).
    ///   - book: the customer's ledger since the longest cap window: messages sent or in flight, and the ones
    ///     still scheduled (those due now join `due`; those later today compete for the day).
    ///   - suppressions: standing suppressions of the customer and of the numbers the messages go to.
    public func review(_ due: [PlannedMessage], for recipient: Recipient, book: [CapRecord], suppressions: [Suppression],
                       now: Date) -> Review {
        let zone = recipient.zone
        let today = LocalDate(now, in: zone)
        var candidates = due.map { Candidate(record: CapRecord($0), priority: priority($0.key), isDue: true) }
        var seen = Set(due.map(\.key))
        var committed: [CapRecord] = []
        for record in book {
            if record.status.countsAsSent {
                if counts(record) { committed.append(record) }
                continue
            }
            guard record.status == .scheduled, !seen.contains(record.key) else { continue }
            // A stale message expires before the gate sees it; it competes for nothing.
            if let until = record.validUntil, until <= now { continue }
            if record.at <= now {
                candidates.append(Candidate(record: record, priority: priority(record.key), isDue: true))
            } else if LocalDate(record.at, in: zone) == today {
                candidates.append(Candidate(record: record, priority: priority(record.key), isDue: false))
            } else {
                continue
            }
            seen.insert(record.key)
        }
        // The newest trigger of each campaign among everything the customer's book holds (sent or waiting):
        // an older occurrence still waiting is superseded by it (two carts: the reminder of the newer goes).
        var newest: [String: (at: Date, key: MessageKey)] = [:]
        for record in book.filter({ $0.status.countsAsSent || $0.status == .scheduled }) + candidates.map(\.record) {
            guard let at = record.triggeredAt else { continue }
            if let known = newest[record.key.campaign], (known.at, known.key) >= (at, record.key) { continue }
            newest[record.key.campaign] = (at, record.key)
        }
        candidates.sort { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            if a.record.at != b.record.at { return a.record.at < b.record.at }
            return a.record.key < b.record.key
        }

        var review = Review()
        // The messages that won a place in this ranking so far (at `now`, or at their own time later today).
        var winners: [CapRecord] = []
        for candidate in candidates {
            let at = candidate.isDue ? now : candidate.record.at
            // What the message reacted to is over (a purchase after the cart, a newer cart): nothing else matters.
            let verdict = cancellation(candidate.record, recipient: recipient, at: at)
                ?? superseding(candidate.record, newest: newest, zone: zone)
                ?? decide(candidate, recipient: recipient, today: today, committed: committed, winners: winners,
                          suppressions: suppressions, at: at)
            if candidate.isDue { review.decided[candidate.record.key] = verdict } else { review.forecast[candidate.record.key] = verdict }
            guard counts(candidate.record), let wins = placeTaken(by: candidate, verdict: verdict, at: at, recipient: recipient, today: today,
                                                                 committed: committed, winners: winners, suppressions: suppressions) else { continue }
            var won = candidate.record
            won.at = wins
            won.priority = candidate.priority
            winners.append(won)
        }
        return review
    }

    /// When the candidate takes one of today's places in the ranking: at its verdict's time if it goes; or, if
    /// only the window keeps it back now (a late wake-up found a morning slot just closed) and the window opens
    /// again later today, at that opening, if it would go then. A message held that way keeps its place: a lower
    /// priority that happens to be inside its own window must not take the day from it.
    func placeTaken(by candidate: Candidate, verdict: PolicyVerdict, at: Date, recipient: Recipient, today: LocalDate,
                    committed: [CapRecord], winners: [CapRecord], suppressions: [Suppression]) -> Date? {
        switch verdict {
        case .send:
            return at
        case .deferred(let until, let reason) where reason.code == Self.outsideWindow && LocalDate(until, in: recipient.zone) == today:
            let later = decide(candidate, recipient: recipient, today: today, committed: committed, winners: winners,
                               suppressions: suppressions, at: until)
            if case .send = later { return until }
            return nil
        default:
            return nil
        }
    }

    static let outsideWindow = "outside_window"

    func priority(_ key: MessageKey) -> Int { campaigns[key.campaign]?.priority ?? 0 }

    /// `cancelled` when a cancelling event of the campaign happened after what triggered the message, by `now`.
    func cancellation(_ record: CapRecord, recipient: Recipient, at now: Date) -> PolicyVerdict? {
        CancellingEvent.cancellation(names: campaigns[record.key.campaign]?.trigger.cancellingEvents ?? [], triggeredAt: record.triggeredAt,
                                     latest: recipient.latestCancellingEvents, now: now, zone: recipient.zone).map { .dropped($0) }
    }

    /// `superseded` when a newer occurrence of the same campaign is in the customer's book.
    func superseding(_ record: CapRecord, newest: [String: (at: Date, key: MessageKey)], zone: TimeZone) -> PolicyVerdict? {
        guard let at = record.triggeredAt, let winner = newest[record.key.campaign], winner.at > at else { return nil }
        return .dropped(.init("superseded", "a newer occurrence (\(winner.key), triggered at \(ISOInstant.format(winner.at, in: zone))) replaces it: only the most recent goes"))
    }

    /// Whether a message fills caps and daily places: transactional never does; a campaign may opt out.
    func counts(_ record: CapRecord) -> Bool {
        record.category != .transactional && (campaigns[record.key.campaign]?.policy.countsTowardCaps ?? true)
    }

    func decide(_ candidate: Candidate, recipient: Recipient, today: LocalDate, committed: [CapRecord], winners: [CapRecord],
                suppressions: [Suppression], at now: Date) -> PolicyVerdict {
        let record = candidate.record
        let zone = recipient.zone
        let campaign = campaigns[record.key.campaign]
        let validUntil = record.validUntil ?? .distantFuture
        // Match against the number the message goes to, which may differ from today's.
        if let blocking = SuppressionRule.blocking(suppressions, customerID: recipient.id, phone: record.phone ?? recipient.phone,
                                                    category: record.category, brandCategory: campaign?.policy.consentCategory,
                                                    sender: campaign?.sender, at: now) {
            return SuppressionRule.verdict(for: blocking)
        }
        if !recipient.active {
            return .suppressed(.init("customer_inactive", "no longer in the latest full customer snapshot"))
        }
        if now >= validUntil { return .expired(.init("past_valid_until", "its time to send ended")) }
        // The planner holds out at planning time; this catches a message planned before the holdout, a control
        // group or a new salt came into force. Held out, it takes no place and no cap (it is not a winner).
        if let campaign, let held = Holdout.verdict(for: recipient.id, campaign: campaign, global: policy.holdout) { return held }

        // A late cycle (a slow batch, a paused machine) must not push a message into quiet hours: the
        // local time is checked at the moment of sending, not only when planning.
        let timing = timings[record.key.campaign]
            ?? SendTiming(window: CampaignPolicy.defaultWindow, quietHours: policy.quietHours(for: record.category))
        if !timing.allows(now, in: zone) {
            let next = timing.nextOpening(after: now, in: zone)
            let reason = PolicyVerdict.Reason(Self.outsideWindow, "it is \(ISOInstant.format(now, in: zone)) for the customer, outside \(timing.describeAllowed())")
            guard let next, next < validUntil else { return .expired(reason) }
            return .deferred(until: next, reason)
        }
        let send = PolicyVerdict.send(sendAt: record.at, validUntil: validUntil)
        if record.category == .transactional || campaign?.policy.exemptFromCaps == true { return send }

        // The day's places: what already went today, then the higher-ranked winners (now or later today).
        let todays = (committed + winners).filter { LocalDate($0.at, in: zone) == today }
        if todays.count >= policy.dailyLimit {
            let names = todays.sorted { $0.at < $1.at }.map { winner in
                let went = winner.status.countsAsSent || winner.at <= now ? "at" : "scheduled for"
                return "\(winner.key) (priority \(priority(winner.key)), \(went) \(ISOInstant.format(winner.at, in: zone)))"
            }.joined(separator: ", ")
            let reason = PolicyVerdict.Reason("lower_priority", "priority \(candidate.priority): the customer's \(policy.dailyLimit) message(s) for \(today) go to \(names)")
            guard campaign?.policy.onConflict != .drop,
                  let next = timing.firstSendTime(after: today, key: record.key, zone: zone), next < validUntil else {
                return .dropped(reason)
            }
            return .deferred(until: next, reason)
        }

        let counting = committed + winners.filter { $0.at <= now }
        let ahead = winners.filter { $0.at > now }
        if let (rule, earlier) = policy.caps.violation(category: record.category, tier: recipient.tier, history: counting, at: now, ahead: ahead) {
            let names = earlier.map { "\($0.key) \($0.at > now ? "scheduled for" : "at") \(ISOInstant.format($0.at, in: zone))" }.joined(separator: ", ")
            let reason = PolicyVerdict.Reason(rule.code, "capped by \(rule) (\(record.category.rawValue)): \(names)")
            // The cap frees up when the oldest counted message leaves the rolling window.
            let frees = earlier[earlier.count - rule.max].at.addingTimeInterval(Double(rule.days) * 86_400)
            if frees >= validUntil { return .dropped(reason) }
            return .deferred(until: frees, reason)
        }
        return send
    }
}
