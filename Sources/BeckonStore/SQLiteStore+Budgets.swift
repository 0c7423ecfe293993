import BeckonCore
import Foundation
import GRDB

/// A message to claim for sending, with the channel it is claimed for (its price is what it costs a budget).
public struct ClaimRequest: Hashable, Sendable {
    public var key: MessageKey
    public var channel: String

    public init(key: MessageKey, channel: String) {
        self.key = key
        self.channel = channel
    }
}

/// What a claim under budgets did: the keys this process may send, and the messages its budget held.
public struct BudgetedClaim: Sendable {
    public var claimed: [MessageKey] = []
    /// `deferred` to the period that frees the budget, or `dropped`, with `budget_exhausted`; recorded.
    public var held: [DispatchOutcome] = []

    public init() {}
}

extension SQLiteStore {
    public func claim(_ requests: [ClaimRequest], by claimant: String, at now: Date, under rule: BudgetRule) throws -> BudgetedClaim {
        guard !requests.isEmpty else { return BudgetedClaim() }
        // One transaction: the spend is read, the messages that fit are claimed and the rest held before any
        // other writer (a second dispatcher, another process) can claim against the same spend.
        return try writer.write { db in
            var result = BudgetedClaim()
            let budgeted = requests.filter { rule.budgets[$0.key.campaign] != nil }
            let rows = try Self.claimable(budgeted.map(\.key.description), at: now, in: db)
            var spends: [String: BudgetSpend] = [:]
            for campaign in Set(budgeted.map(\.key.campaign)) {
                spends[campaign] = try Self.budgetSpend(campaign: campaign, at: now, rule: rule, in: db)
            }
            var accepted: [ClaimRequest] = []
            for request in requests {
                let campaign = request.key.campaign
                guard var spend = spends[campaign], let row = rows[request.key.description] else {
                    // No budget, or no longer claimable: the plain claim below decides as it always does.
                    accepted.append(request)
                    continue
                }
                if let verdict = rule.admit(campaign: campaign, segments: row.segments, channel: request.channel, spend: &spend,
                                            at: now, validUntil: row.validUntil) {
                    var outcome = DispatchOutcome(key: request.key, status: verdict.status, reasonCode: verdict.reason?.code)
                    if case .deferred(let until, _) = verdict { outcome.retryAt = until }
                    result.held.append(outcome)
                } else {
                    spends[campaign] = spend
                    accepted.append(request)
                }
            }
            let claimed = try Self.claim(accepted.map(\.key.description), by: claimant, attempt: true, at: now, in: db)
            result.claimed = accepted.map(\.key).filter { claimed.contains($0.description) }
            let prices = accepted.filter { claimed.contains($0.key.description) && rule.budgets[$0.key.campaign] != nil }
            if !prices.isEmpty {
                let object = "{" + prices.map { "\"\(JSONString.escaped($0.key.description))\":\(rule.price(channel: $0.channel))" }
                    .joined(separator: ",") + "}"
                try db.execute(sql: "UPDATE message SET unit_price = j.value FROM json_each(?) AS j WHERE message.key = j.key",
                               arguments: [object])
            }
            if !result.held.isEmpty {
                let taken = try Self.claim(result.held.map(\.key.description), by: claimant, attempt: false, at: now, in: db)
                result.held = result.held.filter { taken.contains($0.key.description) }
                try LedgerOutcomeWriter.record(result.held, at: now, in: db)
            }
            return result
        }
    }

    /// What a campaign's messages claimed this local day and month (in the rule's zone) cost, counting the ones
    /// sent or in flight; a message claimed before budgets existed is priced at its channel's price today.
    public func budgetSpend(campaign: String, at now: Date, rule: BudgetRule) throws -> BudgetSpend {
        try writer.read { db in try Self.budgetSpend(campaign: campaign, at: now, rule: rule, in: db) }
    }

    static func budgetSpend(campaign: String, at now: Date, rule: BudgetRule, in db: Database) throws -> BudgetSpend {
        let periods = rule.periods(at: now)
        let counted = MessageStatus.allCases.filter(\.countsAsSent).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        var query = BoundStatement(try db.cachedStatement(sql: """
            SELECT channel, unit_price IS NULL, SUM(segments), SUM(segments * COALESCE(unit_price, 0)),
                   SUM(CASE WHEN claimed_at >= ? THEN segments ELSE 0 END),
                   SUM(CASE WHEN claimed_at >= ? THEN segments * COALESCE(unit_price, 0) ELSE 0 END)
            FROM message INDEXED BY message_budget
            WHERE campaign = ? AND claimed_at >= ? AND claimed_at < ? AND status IN (\(counted))
            GROUP BY channel, unit_price IS NULL
            """))
        let dayStart = periods.day.start.timeIntervalSince1970
        query.bind(dayStart); query.bind(dayStart); query.bind(campaign)
        query.bind(periods.month.start.timeIntervalSince1970); query.bind(periods.month.end.timeIntervalSince1970)
        var spend = BudgetSpend()
        try query.forEachRow(in: db) { column in
            let unpriced = column.int(1) == 1
            let price = rule.price(channel: column.text(0) ?? "")
            let monthSegments = column.int(2), daySegments = column.int(4)
            spend.monthSegments += monthSegments
            spend.daySegments += daySegments
            spend.monthCost += unpriced ? Double(monthSegments) * price : column.double(3)
            spend.dayCost += unpriced ? Double(daySegments) * price : column.double(5)
        }
        return spend
    }

    /// The segments and limit of the messages among `keys` that a claim to send would take now.
    static func claimable(_ keys: [String], at now: Date, in db: Database) throws -> [String: (segments: Int, validUntil: Date)] {
        guard !keys.isEmpty else { return [:] }
        var rows: [String: (segments: Int, validUntil: Date)] = [:]
        var query = BoundStatement(try db.cachedStatement(sql: """
            SELECT key, segments, valid_until FROM message
            WHERE key IN (SELECT value FROM json_each(?)) AND +status = 'scheduled' AND send_at <= ?
            """))
        query.bind(JSONString.array(keys))
        query.bind(now.timeIntervalSince1970)
        try query.forEachRow(in: db) { column in
            if let key = column.text(0) {
                rows[key] = (max(1, column.int(1)), Date(timeIntervalSince1970: column.double(2)))
            }
        }
        return rows
    }
}
