import Foundation

/// What one cycle of Beckon decides at an instant, against an in-memory ledger: the planner's decisions for
/// the evaluation window, recorded unless their key is already there, then the send gate over every message
/// whose time has come, as the dispatcher runs it (stale messages expire first).
///
/// The engine does the same through the store (`BeckonEngine.plan(through:)`, the dispatcher, `PolicyGate`);
/// this is the store-free twin that `beckon explain` and `beckon plan` use to predict it, and that a
/// simulation drives cycle after cycle. Both call the same `Planner` and `SendGate`, so they cannot disagree
/// about the policy; a property test checks that they agree about everything else.
public struct PolicyCycle: Sendable {
    public let planner: Planner
    public let gate: SendGate

    public init(planner: Planner, gate: SendGate) {
        self.planner = planner
        self.gate = gate
    }

    public init(campaigns: [Campaign], defaultTimeZone: TimeZone, calendar: CalendarContext,
                policy: DeliveryPolicy = DeliveryPolicy(), content: ContentPolicy = ContentPolicy()) {
        planner = Planner(campaigns: campaigns, defaultTimeZone: defaultTimeZone, calendar: calendar, policy: policy, content: content)
        gate = SendGate(policy: policy, campaigns: campaigns)
    }

    /// One message's change in a cycle.
    public struct Change: Hashable, Sendable {
        public var key: MessageKey
        /// The state before the cycle (nil: not in the ledger yet).
        public var before: MessageStatus?
        /// The state the cycle leaves it in, as receipts name it (`deferred` is back to `scheduled` in the ledger).
        public var after: MessageStatus
        public var reason: PolicyVerdict.Reason?
        /// For `scheduled` and `deferred`: when it goes next.
        public var sendAt: Date?
        /// The instant of the dispatch step that decided it (nil: recorded by the plan step).
        public var decidedAt: Date?
    }

    /// How far back the gate reads a customer's book: the longest cap window and a day.
    public var historyDays: Int { planner.policy.caps.longestWindowDays + 1 }

    /// Records the planner's result in `ledger` as the engine's plan step does: new keys only.
    public func record(_ result: Planner.Result, in ledger: inout PolicyLedger) -> [Change] {
        var changes: [Change] = []
        for message in result.messages where ledger.insert(message, status: .scheduled) {
            changes.append(Change(key: message.key, before: nil, after: .scheduled, sendAt: message.sendAt))
        }
        for decision in result.decisions {
            guard let message = decision.message, let reason = decision.verdict.reason else { continue }
            if ledger.insert(message, status: decision.verdict.status, reasonCode: reason.code) {
                changes.append(Change(key: message.key, before: nil, after: decision.verdict.status, reason: reason))
            }
        }
        return changes
    }

    /// The dispatch step for one customer at `now`: what goes, what is held and why. Sent messages are
    /// recorded `sent` (a channel's own failures are not predicted).
    public func dispatch(_ recipient: SendGate.Recipient, suppressions: [Suppression], now: Date,
                         in ledger: inout PolicyLedger) -> (changes: [Change], forecast: [MessageKey: PolicyVerdict]) {
        var step = review(recipient, suppressions: suppressions, now: now, in: &ledger)
        for message in step.approved {
            if let change = apply(.send(sendAt: message.sendAt, validUntil: message.validUntil), to: message.key, now: now, in: &ledger) {
                step.changes.append(change)
            }
        }
        return (step.changes, step.forecast)
    }

    /// The dispatch step up to the claim: stale messages expire and the gate's holds are recorded; the messages
    /// the gate lets go are returned, still `scheduled`, for the claim to send or for a budget to hold (`apply`),
    /// in the key order the gate decided them.
    public func review(_ recipient: SendGate.Recipient, suppressions: [Suppression], now: Date, in ledger: inout PolicyLedger)
        -> (changes: [Change], approved: [PlannedMessage], forecast: [MessageKey: PolicyVerdict]) {
        var changes: [Change] = []
        var reviewable: [PlannedMessage] = []
        for row in ledger.due(of: recipient.id, at: now) {
            if row.message.validUntil <= now {
                ledger[row.message.key]?.status = .expired
                ledger[row.message.key]?.reasonCode = "past_valid_until"
                changes.append(Change(key: row.message.key, before: .scheduled, after: .expired,
                                      reason: .init("past_valid_until", "its time to send ended"), decidedAt: now))
            } else {
                reviewable.append(row.message)
            }
        }
        let book = ledger.book(of: recipient.id, since: now.addingTimeInterval(-Double(historyDays) * 86_400))
        let review = gate.review(reviewable, for: recipient, book: book, suppressions: suppressions, now: now)
        var approved: [PlannedMessage] = []
        for (key, verdict) in review.decided.sorted(by: { $0.key < $1.key }) {
            if case .send = verdict {
                if let row = ledger[key] { approved.append(row.message) }
            } else if let change = apply(verdict, to: key, now: now, in: &ledger) {
                changes.append(change)
            }
        }
        return (changes, approved, review.forecast)
    }

    /// Records `verdict` on the ledger row of `key` at `now`: sent (a channel's own failures are not predicted),
    /// back to `scheduled` at a later time, or held for good. Nil when the key is not in the ledger.
    public func apply(_ verdict: PolicyVerdict, to key: MessageKey, now: Date, in ledger: inout PolicyLedger) -> Change? {
        guard var row = ledger[key] else { return nil }
        var change = Change(key: key, before: row.status, after: verdict.status, reason: verdict.reason, decidedAt: now)
        switch verdict {
        case .send:
            row.status = .sent
            row.reasonCode = nil
            row.wentAt = now
            change.after = .sent
        case .deferred(let until, let reason):
            row.status = .scheduled
            row.reasonCode = reason.code
            row.message.sendAt = until
            change.sendAt = until
        case .suppressed(let reason), .dropped(let reason), .expired(let reason):
            row.status = verdict.status
            row.reasonCode = reason.code
        }
        ledger[key] = row
        return change
    }

    /// A whole cycle for `customers` (as the engine prepares them for evaluation): plan `window`, then dispatch.
    public func run(customers: [Customer], window: DateInterval, now: Date, suppressions: [Suppression],
                    ledger: inout PolicyLedger) -> [Change] {
        var changes = record(planner.plan(customers: customers, window: window, now: now, suppressions: suppressions), in: &ledger)
        for customer in customers {
            changes += dispatch(recipient(for: customer), suppressions: suppressions, now: now, in: &ledger).changes
        }
        return changes
    }

    public func recipient(for customer: Customer) -> SendGate.Recipient {
        SendGate.Recipient(id: customer.id, phone: customer.phone, tier: customer.tier, active: customer.active,
                           zone: planner.timeZone(for: customer), latestCancellingEvents: customer.latestCancellingEvents)
    }
}
