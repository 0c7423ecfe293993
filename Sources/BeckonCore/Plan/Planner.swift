import Foundation

/// Decides which messages are due: campaigns x customers x the evaluation window, through the policy.
///
/// Pure: the caller supplies the customers (a batch at a time), the window since the previous evaluation,
/// the instant it is now, and the suppressions that apply to the batch; the planner returns rendered,
/// keyed messages to schedule and a decision, with its reason, for every occurrence it did not schedule.
/// Which campaign wins the customer's day and the frequency caps are decided later, at the moment of sending
/// (see `SendGate`), against the durable ledger.
public struct Planner: Sendable {
    public private(set) var campaigns: [Campaign]
    public let defaultTimeZone: TimeZone
    public let calendar: CalendarContext
    public let policy: DeliveryPolicy
    public let composer: MessageComposer
    let timings: [String: SendTiming]
    /// Where tracked links' tokens come from. The default writes `XXXXXXX` placeholders (previews, tests);
    /// the daemon's engine sets a source that draws real ones.
    public var linkTokens: any LinkTokenSource = PreviewLinkTokens()

    public init(campaigns: [Campaign], defaultTimeZone: TimeZone, calendar: CalendarContext,
                policy: DeliveryPolicy = DeliveryPolicy(), content: ContentPolicy = ContentPolicy()) {
        self.campaigns = campaigns.filter(\.enabled)
        self.composer = MessageComposer(content: content)
        self.defaultTimeZone = defaultTimeZone
        self.calendar = calendar
        self.policy = policy
        self.timings = Dictionary(self.campaigns.map { ($0.id, policy.timing(for: $0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// The same planner for some of its campaigns only (a pass that plans only what can have changed).
    public func restricted(to ids: Set<String>) -> Planner {
        var copy = self
        copy.campaigns = campaigns.filter { ids.contains($0.id) }
        return copy
    }

    /// One occurrence's fate. `message` is present when there is something to record in the ledger.
    public struct Decision: Sendable {
        public var campaign: String
        public var customer: String
        public var occurrence: Occurrence
        public var verdict: PolicyVerdict
        public var message: PlannedMessage?
    }

    public struct Result: Sendable {
        /// Messages to schedule.
        public var messages: [PlannedMessage] = []
        /// Everything else: suppressed, dropped, expired (recorded with receipts) and skipped (not recorded).
        public var decisions: [Decision] = []

        public init(messages: [PlannedMessage] = [], decisions: [Decision] = []) {
            self.messages = messages
            self.decisions = decisions
        }
    }

    /// The zone a customer's calendar runs in: their own, else their phone's country's, else the default.
    public func timeZone(for customer: Customer) -> TimeZone {
        timeZone(named: customer.timeZone, phone: customer.phone)
    }

    /// The customer's own zone if it names one, else the zone of their number's country, else the default.
    public func timeZone(named identifier: String?, phone: String) -> TimeZone {
        Self.timeZone(named: identifier, phone: phone, default: defaultTimeZone)
    }

    /// The one rule for a customer's zone, for those that have no planner at hand (the report's local hours).
    public static func timeZone(named identifier: String?, phone: String, default defaultTimeZone: TimeZone) -> TimeZone {
        if let identifier, let zone = TimeZone(identifier: identifier) { return zone }
        return PhoneCountryZone.zone(forE164: phone) ?? defaultTimeZone
    }

    /// - Parameter suppressions: standing suppressions for the batch's customers (by id or phone).
    public func plan(customers: [Customer], window: DateInterval, now: Date,
                     suppressions: [Suppression] = []) -> Result {
        var result = Result()
        forEachDecision(customers: customers, window: window, now: now, suppressions: suppressions) { decision in
            if case .send = decision.verdict, let message = decision.message {
                result.messages.append(message)
            } else {
                result.decisions.append(decision)
            }
        }
        return result
    }

    /// The same decisions one at a time, sends included (with the occurrence each comes from: a simulation
    /// learns of an instant-based message only when it fires).
    public func forEachDecision(customers: [Customer], window: DateInterval, now: Date, suppressions: [Suppression] = [],
                                _ body: (Decision) -> Void) {
        forEachDecision(customers: customers, window: window, suppressions: suppressions, seenAt: { _ in now }) { decision, _ in body(decision) }
    }

    /// The same decisions, each occurrence decided at the instant a cycle first sees it (`seenAt`): what a daemon
    /// that ran a cycle at every tick of `window` would have decided, as one evaluation (a simulation of the year
    /// evaluates each customer once per month, not once per tick). Occurrences of one campaign seen by the same
    /// cycle compete for the catch-up as they would in that cycle's window.
    public func forEachDecision(customers: [Customer], window: DateInterval, suppressions: [Suppression] = [],
                                seenAt: (Occurrence) -> Date, _ body: (Decision, Date) -> Void) {
        var byCustomer: [String: [Suppression]] = [:]
        var byPhone: [String: [Suppression]] = [:]
        for s in suppressions {
            if let id = s.customerID { byCustomer[id, default: []].append(s) }
            if let phone = s.phone { byPhone[phone, default: []].append(s) }
        }
        var evaluator = OccurrenceEvaluator(interval: window, rules: campaigns.map(\.trigger.rule), context: calendar)
        for customer in customers where customer.active {
            let zone = timeZone(for: customer)
            let standing = (byCustomer[customer.id] ?? []) + (byPhone[customer.phone] ?? [])
            for (index, campaign) in campaigns.enumerated() {
                let occurrences = evaluator.occurrences(of: index, for: customer, in: zone)
                guard !occurrences.isEmpty else { continue }
                let seen = occurrences.map(seenAt)
                // One cycle's occurrences at a time, in the order the cycles come (usually all in one).
                var order = Array(occurrences.indices)
                if seen.contains(where: { $0 != seen[0] }) { order.sort { (seen[$0], $0) < (seen[$1], $1) } }
                var start = 0
                while start < order.count {
                    let now = seen[order[start]]
                    var end = start + 1
                    while end < order.count, seen[order[end]] == now { end += 1 }
                    let decisions = order[start..<end].map {
                        decide(campaign, customer, occurrences[$0], zone: zone, suppressions: standing, now: now)
                    }
                    for decision in Self.latestCatchUpOnly(decisions, now: now) { body(decision, now) }
                    start = end
                }
            }
        }
    }

    /// After downtime one evaluation can hold several occurrences of one campaign for one customer (the
    /// hourly waves of a cron trigger, two abandoned carts): only the most recent is sent, the earlier ones are
    /// dropped as superseded, with their receipt, so a restart never sends a burst of the same campaign.
    /// (Across cycles the send gate applies the same rule to messages that are still waiting.) Only what was
    /// missed competes, what fired by `now`: over a `plan` interval, a later occurrence is the cycle's of its time.
    static func latestCatchUpOnly(_ decisions: [Decision], now: Date) -> [Decision] {
        // A held-out occurrence competes as a sent one would, so a control customer ends with one held-out row
        // where a messaged customer ends with one message (the groups stay comparable).
        let sendable = decisions.indices.filter {
            guard decisions[$0].occurrence.instant <= now else { return false }
            if case .send = decisions[$0].verdict { return true }
            return Holdout.group(ofReasonCode: decisions[$0].verdict.reason?.code) != nil
        }
        guard sendable.count > 1, let latest = sendable.max(by: { decisions[$0].occurrence.instant < decisions[$1].occurrence.instant }) else {
            return decisions
        }
        var result = decisions
        for index in sendable where index != latest {
            let later = decisions[latest].occurrence
            result[index].verdict = .dropped(.init("superseded", "a later occurrence (\(later.reason)) replaces it: only the most recent missed one is caught up"))
        }
        return result
    }

    /// The policy chain for one occurrence; the first rule that stops it is the reason.
    public func decide(_ campaign: Campaign, _ customer: Customer, _ occurrence: Occurrence, zone: TimeZone,
                       suppressions: [Suppression], now: Date) -> Decision {
        func decision(_ verdict: PolicyVerdict, _ message: PlannedMessage?) -> Decision {
            Decision(campaign: campaign.id, customer: customer.id, occurrence: occurrence, verdict: verdict, message: message)
        }
        guard !customer.phone.isEmpty else { return decision(.dropped(.init("no_phone", "the customer has no valid phone number")), nil) }
        // Not in the audience: no message and no receipt (it was never meant for them); `explain` says why.
        if let failed = campaign.audience.exclusion(of: customer, in: policy.audienceContext(at: now, zone: zone)) {
            return decision(.dropped(.init("not_in_audience", failed)), nil)
        }

        let key = MessageKey(campaign: campaign.id, wave: occurrence.wave, customer: customer.id, localDate: occurrence.localDate)
        let composed: MessageComposer.Composed
        let values = Self.templateValues(for: customer).merging(occurrence.attributes) { _, event in event }
        do { composed = try composer.compose(campaign, values: values, key: key, tokens: linkTokens) } catch {
            return decision(.dropped(.init("template_error", "\(error)")), nil)
        }
        let timing = timings[campaign.id] ?? policy.timing(for: campaign)
        var verdict = timing.schedule(for: occurrence, key: key, zone: zone)
        // Times for the ledger row even when the verdict is not to send (receipts show when it would have gone).
        var sendAt = occurrence.instant
        var validUntil = occurrence.localDate.adding(days: 1).start(in: zone)
        if case .send(let at, let until) = verdict {
            (sendAt, validUntil) = (at, until)
            if until <= now {
                verdict = .expired(.init("past_valid_until", "its time to send ended at \(ISOInstant.format(until, in: zone)) (Beckon was not running)"))
            }
        }
        if let blocking = SuppressionRule.blocking(suppressions, customer: customer, category: campaign.category,
                                                    brandCategory: campaign.policy.consentCategory, sender: campaign.sender, at: now) {
            verdict = SuppressionRule.verdict(for: blocking)
        } else if let missing = policy.consent.missingConsent(customer: customer, category: campaign.category,
                                                               brandCategory: campaign.policy.consentCategory) {
            verdict = .suppressed(.init("no_consent", "the customer has not agreed to \(missing) messages"))
        }
        // What triggered it was followed by a cancelling event (a purchase after the cart): whatever else
        // would have held it, this is why it does not go.
        if let cancelled = CancellingEvent.cancellation(names: campaign.trigger.cancellingEvents, triggeredAt: occurrence.triggeredAt,
                                                        latest: customer.latestCancellingEvents, now: now, zone: zone) {
            verdict = .dropped(cancelled)
        }
        // Held out last, of what would otherwise go: a control row then stands for a message that would have
        // been sent (an opted-out or cancelled customer is excluded from both groups alike).
        switch verdict {
        case .send, .deferred:
            if let held = Holdout.verdict(for: customer.id, campaign: campaign, global: policy.holdout) { verdict = held }
        default: break
        }
        var message = PlannedMessage(key: key, category: campaign.category, phone: customer.phone, channel: campaign.channel,
                                     text: composed.text, variant: composed.variant, sendAt: sendAt, validUntil: validUntil,
                                     reason: occurrence.reason, source: occurrence.source ?? customer.source,
                                     triggeredAt: occurrence.triggeredAt,
                                     links: Self.expiring(composed.links, sentAt: max(sendAt, now), settings: composer.content.links))
        // The code must still be valid on the last local day the message may go out.
        message.coupon = campaign.coupon.map { CouponRequest(pool: $0, validThrough: LocalDate(validUntil.addingTimeInterval(-1), in: zone)) }
        return decision(verdict, message)
    }

    /// The links with their expiry: `expire_days` after the message's send time.
    public static func expiring(_ links: [TrackedLink], sentAt: Date, settings: LinkSettings?) -> [TrackedLink] {
        guard let settings else { return links }
        return links.map { link in
            var link = link
            link.expiresAt = sentAt.addingTimeInterval(Double(settings.expireDays) * 86_400)
            return link
        }
    }

    /// The fields a template can use: the customer's own and every extra column of the customer file.
    public static func templateValues(for customer: Customer) -> [String: String] {
        var values = customer.attributes
        values["customer_id"] = customer.id
        values["name"] = customer.name
        if let surname = Surname.of(customer.name) { values["surname"] = surname }
        if let tier = customer.tier { values["tier"] = tier }
        if let birthday = customer.birthday { values["birthday"] = birthday.description }
        return values
    }
}
