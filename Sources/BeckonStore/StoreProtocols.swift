import BeckonCore
import Foundation

/// The store's narrow interfaces, shaped by what the inbox, planner and dispatcher need rather than by SQL.
///
/// SQLite (GRDB) implements them today; a PostgreSQL backend for several daemons sharing one database
/// will implement the same protocols.
public protocol CustomerStore: Sendable {
    /// Inserts or updates customers by id, in one transaction.
    func upsert(_ customers: [Customer]) throws
    func customer(id: String) throws -> Customer?
    /// Streams active customers in id order, `batchSize` at a time, without loading them all.
    func forEachActiveCustomerBatch(batchSize: Int, _ body: ([Customer]) throws -> Void) throws
    func customerCount() throws -> Int
}

/// A message's row in the ledger.
public struct LedgerEntry: Hashable, Sendable {
    public var message: PlannedMessage
    public var status: MessageStatus
    public var attempts: Int
    public var providerID: String?
    public var providerCode: String?
    public var reasonCode: String?
    public var updatedAt: Date

    public init(message: PlannedMessage, status: MessageStatus, attempts: Int = 0, providerID: String? = nil,
                providerCode: String? = nil, reasonCode: String? = nil, updatedAt: Date) {
        self.message = message
        self.status = status
        self.attempts = attempts
        self.providerID = providerID
        self.providerCode = providerCode
        self.reasonCode = reasonCode
        self.updatedAt = updatedAt
    }
}

/// A status change of one message, as written to `outbox/receipts/`.
public struct ReceiptEvent: Hashable, Sendable {
    public var sequence: Int64
    public var key: MessageKey
    public var status: MessageStatus
    public var channel: String
    public var phone: String
    public var variant: String
    public var providerID: String?
    public var providerCode: String?
    public var reasonCode: String?
    public var segments: Int
    public var encoding: String
    public var plannedAt: Date
    public var eventAt: Date
    /// The input row behind the message (`members.csv:12`).
    public var source: String
    /// The coupon code the message holds (none once an unsent message gave it back).
    public var coupon: String?

    public init(sequence: Int64 = 0, key: MessageKey, status: MessageStatus, channel: String, phone: String,
                variant: String = "", providerID: String? = nil, providerCode: String? = nil, reasonCode: String? = nil,
                segments: Int = 1, encoding: String = "", plannedAt: Date, eventAt: Date, source: String = "", coupon: String? = nil) {
        self.coupon = coupon
        self.source = source
        self.sequence = sequence
        self.key = key
        self.status = status
        self.channel = channel
        self.phone = phone
        self.variant = variant
        self.providerID = providerID
        self.providerCode = providerCode
        self.reasonCode = reasonCode
        self.segments = segments
        self.encoding = encoding
        self.plannedAt = plannedAt
        self.eventAt = eventAt
    }
}

/// The durable send ledger: the exactly-once contract lives here, under a UNIQUE message key.
public protocol MessageLedger: Sendable {
    /// Records planned messages as `scheduled`; a key already in the ledger is left untouched.
    /// Returns the messages that were new. One transaction.
    func schedule(_ messages: [PlannedMessage], at now: Date) throws -> [PlannedMessage]
    /// Records messages the policy decided not to send (suppressed, dropped, expired) in their final state,
    /// each with its receipt; a key already in the ledger is left untouched. Returns the ones that were new.
    @discardableResult
    func recordDecided(_ decided: [DecidedMessage], at now: Date) throws -> [DecidedMessage]
    /// These customers' messages the policy reads since `since` (by send time): the ones that count against
    /// caps (sent, in flight, queued, unknown) and the ones still scheduled (they compete for their local day).
    func capHistory(customerIDs: [String], since: Date) throws -> [String: [CapRecord]]
    /// Scheduled messages whose `sendAt` has come, oldest first (by send time, then key), at most `limit`,
    /// starting after `cursor` (a previous batch's `next`; nil for the first).
    func due(at now: Date, after cursor: DueCursor?, limit: Int) throws -> DueBatch
    /// How many messages wait in `scheduled`, and the earliest send time among them.
    func scheduledOutlook() throws -> (count: Int, next: Date?)
    /// Claims messages for sending, before any leaves: each key still `scheduled` becomes `pending`, owned by
    /// `claimant` (a `ProcessInstance.id`), with one more attempt, in one transaction. Returns exactly the
    /// keys this call changed: only those may be sent (another process may have claimed the rest).
    func claim(_ keys: [MessageKey], by claimant: String, at now: Date) throws -> [MessageKey]
    /// Claims as `claim(_:by:at:)` does, except that a message of a campaign with a budget is claimed only if
    /// it fits beside what the campaign's messages sent or in flight this local day and month cost; the others
    /// are held (`budget_exhausted`), all in the one transaction that reads the spend (`BudgetRule.admit`).
    func claim(_ requests: [ClaimRequest], by claimant: String, at now: Date, under rule: BudgetRule) throws -> BudgetedClaim
    /// Records decisions about messages not yet claimed (the dispatch gate's, an expiry): claims them and
    /// records the outcomes in one transaction. Returns the outcomes applied; a key no longer `scheduled`
    /// (claimed by another process) is left to that process.
    func claimAndRecord(_ outcomes: [DispatchOutcome], by claimant: String, at now: Date) throws -> [DispatchOutcome]
    /// Records outcomes in one transaction, each with its receipt event; an outcome with `retryAt` puts
    /// the message back to `scheduled` at that instant, with no receipt (its story goes on).
    func record(_ outcomes: [DispatchOutcome], at now: Date) throws
    /// Messages left `pending` by processes that died mid-send, taken over by `claimant` (so a second
    /// recovery does not settle them again). Rows whose claimant `isAlive` are left alone: they are another
    /// live process's messages in flight.
    func pendingAfterCrash(takenOverBy claimant: String, isAlive: (String?) -> Bool) throws -> [LedgerEntry]
    func entry(for key: MessageKey) throws -> LedgerEntry?
    /// Hands each receipt event whose `eventAt` lies in `interval` and whose sequence is at most `sequence`
    /// to `body`, in sequence order, without holding them all (a busy hour has hundreds of thousands).
    func forEachReceiptEvent(in interval: DateInterval, through sequence: Int64, _ body: (ReceiptEvent) throws -> Void) throws
    /// Receipt events in `interval` up to `sequence`, counted by campaign, variant and status (the daily summary).
    func receiptCounts(in interval: DateInterval, through sequence: Int64) throws -> [ReceiptCount]
    /// The newest receipt event's sequence; 0 when there is none.
    func lastReceiptSequence() throws -> Int64
    /// The receipt events that the receipt files have not caught up with, whoever appended them.
    func receiptBacklog() throws -> ReceiptBacklog
    /// Records that the receipt files hold every event up to `sequence` (never moves back).
    func markReceiptsWritten(through sequence: Int64) throws
}

/// Receipt events appended since the receipt files last caught up: by dispatch, delivery reports, replies,
/// planning decisions or `beckon resolve`, in this process or another one, before a restart or after.
public struct ReceiptBacklog: Hashable, Sendable {
    /// The files hold every event up to this sequence.
    public var writtenThrough: Int64
    /// The newest event's sequence when the backlog was read.
    public var lastSequence: Int64
    /// The start of every quarter hour (UTC) that has events in `(writtenThrough, lastSequence]`.
    public var quarterHours: [Date]

    public init(writtenThrough: Int64, lastSequence: Int64, quarterHours: [Date]) {
        self.writtenThrough = writtenThrough
        self.lastSequence = lastSequence
        self.quarterHours = quarterHours
    }
}

extension MessageLedger {
    /// Every scheduled message due at `now`, up to `limit`.
    public func due(at now: Date, limit: Int) throws -> [LedgerEntry] {
        try due(at: now, after: nil, limit: limit).entries
    }

    /// Claims `keys` for this process (for tests and tools that stage a ledger by hand).
    public func markPending(_ keys: [MessageKey], at now: Date) throws {
        _ = try claim(keys, by: ProcessInstance.current.id, at: now)
    }

    /// Every receipt event whose `eventAt` lies in `interval`, in sequence order.
    public func forEachReceiptEvent(in interval: DateInterval, _ body: (ReceiptEvent) throws -> Void) throws {
        try forEachReceiptEvent(in: interval, through: .max, body)
    }

    public func receiptCounts(in interval: DateInterval) throws -> [ReceiptCount] {
        try receiptCounts(in: interval, through: .max)
    }

    /// Receipt events whose `eventAt` lies in `interval`, in sequence order, collected.
    public func receiptEvents(in interval: DateInterval) throws -> [ReceiptEvent] {
        var events: [ReceiptEvent] = []
        try forEachReceiptEvent(in: interval) { events.append($0) }
        return events
    }
}

/// Where a read of due messages ended: the next read starts after it.
public struct DueCursor: Hashable, Sendable {
    /// Exactly as stored (seconds since 1970), so no row at the boundary is read twice or skipped.
    let sendAt: Double
    let key: String
}

/// One read of due messages.
public struct DueBatch: Sendable {
    public var entries: [LedgerEntry]
    /// Where the next read starts; the cursor passed in when nothing was read.
    public var next: DueCursor?
}

public struct ReceiptCount: Hashable, Sendable {
    public var campaign: String
    public var variant: String
    public var status: MessageStatus
    public var count: Int

    public init(campaign: String, variant: String, status: MessageStatus, count: Int) {
        self.campaign = campaign
        self.variant = variant
        self.status = status
        self.count = count
    }
}

/// A message with the policy's decision not to send it.
public struct DecidedMessage: Hashable, Sendable {
    public var message: PlannedMessage
    public var status: MessageStatus
    public var reasonCode: String

    public init(message: PlannedMessage, status: MessageStatus, reasonCode: String) {
        self.message = message
        self.status = status
        self.reasonCode = reasonCode
    }
}

/// What happened to one message on one attempt (or decision).
public struct DispatchOutcome: Hashable, Sendable {
    public var key: MessageKey
    public var status: MessageStatus
    public var providerID: String?
    public var providerCode: String?
    public var reasonCode: String?
    /// For a transient failure: when to try again (the message goes back to `scheduled`).
    public var retryAt: Date?
    /// Parts the gateway reported; 0 keeps the count Beckon computed when it planned the message.
    public var segments: Int
    public var encoding: String
    /// The channel that handled it, when it differs from the planned one (failover, routing).
    public var channel: String?

    public init(key: MessageKey, status: MessageStatus, providerID: String? = nil, providerCode: String? = nil,
                reasonCode: String? = nil, retryAt: Date? = nil, segments: Int = 0, encoding: String = "", channel: String? = nil) {
        self.channel = channel
        self.key = key
        self.status = status
        self.providerID = providerID
        self.providerCode = providerCode
        self.reasonCode = reasonCode
        self.retryAt = retryAt
        self.segments = segments
        self.encoding = encoding
    }
}

/// A small key-value memory for services (e.g. when the scheduler last evaluated).
public protocol StateStore: Sendable {
    func value(for key: String) throws -> String?
    func setValue(_ value: String?, for key: String) throws
}

/// Files the inbox has taken, by content hash, so the same content is never imported twice, and the
/// progress of a file being imported, so a crash resumes after the last committed batch.
public protocol ImportJournal: Sendable {
    func importedFile(sha256: String) throws -> ImportedFile?
    func importProgress(sha256: String) throws -> ImportProgress?
    /// One batch in one transaction, together with the progress that says it is done.
    func commitBatch(_ batch: ImportBatch, progress: ImportProgress) throws
    /// The rows rejected so far in a file's import, in line order.
    func rowErrors(sha256: String) throws -> [ImportRowError]
    /// Records the file as imported (and, for a full snapshot, marks customers it did not list inactive), with
    /// the fingerprints of its records that the next file of the same context may skip.
    func finishImport(_ file: ImportedFile, snapshot: Bool, fingerprints: ImportFingerprints?) throws
    /// The fingerprints the last import under `context` left, with the change number it finished at.
    func importFingerprints(context: String) throws -> ImportFingerprints?
    /// The ids of customers whose stored row changed (or that were deactivated) after change number `after`.
    func customerIDsChanged(after: Int64) throws -> [String]
    /// How many customers are active, and how many of `ids` are (a snapshot's guard against deactivating most).
    func activeCustomerCount(among ids: [String]?) throws -> Int
    /// Which of these customer ids exist (active or not): a conversion of another id is a row error.
    func knownCustomerIDs(among ids: [String]) throws -> Set<String>
    /// Where each of these codes already is: `pool \u{1F} code` -> the `FILE:LINE` of the row that brought it.
    func couponSources(among coupons: [Coupon]) throws -> [String: String]
    /// Recomputes what depends on every customer at once (RFM quintile boundaries) after a customer file.
    @discardableResult
    func refreshRFMBreakpoints(at now: Date) throws -> RFMBreakpoints
}

/// The record fingerprints of one imported customer file: sorted 128-bit values (high, low, high, low, ...) of
/// records that were accepted and name a customer no other record of the file names. For a customer whose
/// change number is at most `throughChange`, the stored row is exactly what the record with that fingerprint
/// parses to, so a later file of the same `context` need not parse that record again.
public struct ImportFingerprints: Sendable {
    public var context: String
    public var throughChange: Int64
    public var values: [UInt64]

    public init(context: String, throughChange: Int64 = 0, values: [UInt64]) {
        self.context = context
        self.throughChange = throughChange
        self.values = values
    }

    public var count: Int { values.count / 2 }

    /// Whether the pair is in the set. The highs are XXH64 values, spread evenly over 64 bits, so a value's place
    /// in the sorted set is close to `high / 2^64` of the way through it (within a few hundred places for a
    /// million values): the search starts there and widens by doubling until the value is bracketed, then
    /// halves. A plain binary search from the middle took about 20 scattered reads per record (12% of a
    /// re-import's time); this takes one or two pages of memory.
    public func contains(high: UInt64, low: UInt64) -> Bool {
        let count = self.count
        guard count > 0 else { return false }
        return values.withUnsafeBufferPointer { pairs in
            @inline(__always) func precedes(_ index: Int) -> Bool {
                let h = pairs[2 * index]
                return h < high || (h == high && pairs[2 * index + 1] < low)
            }
            let guess = Int(high.multipliedFullWidth(by: UInt64(count)).high)
            // [lower, upper): the first pair not preceding (high, low) lies within.
            var lower = guess, upper = guess + 1
            var step = 1
            while lower > 0 && !precedes(lower) {
                upper = lower
                lower = max(0, lower - step)
                step *= 2
            }
            if precedes(lower) { lower += 1 }
            step = 1
            while upper < count && precedes(upper) {
                lower = upper + 1
                upper = min(count, upper + step)
                step *= 2
            }
            while lower < upper {
                let middle = (lower + upper) / 2
                if precedes(middle) { lower = middle + 1 } else { upper = middle }
            }
            return lower < count && pairs[2 * lower] == high && pairs[2 * lower + 1] == low
        }
    }
}

/// A rejected row of an inbox file: where, which field, what value, why.
public struct ImportRowError: Hashable, Sendable {
    public var line: Int
    public var field: String
    public var value: String
    public var reason: String

    public init(line: Int, field: String, value: String, reason: String) {
        self.line = line
        self.field = field
        self.value = value
        self.reason = reason
    }
}

/// What one batch of rows of an inbox file changes.
public struct ImportBatch: Sendable {
    /// In stored form, encoded by the parser (see `CustomerRecord`).
    public var customers: [CustomerRecord] = []
    public var events: [CustomerEvent] = []
    public var suppressions: [Suppression] = []
    /// Opt-back-ins (`START`): by phone or customer.
    public var lifts: [(phone: String?, customerID: String?)] = []
    public var errors: [ImportRowError] = []
    /// Customers a snapshot lists on rows that were rejected: not deactivated for a bad phone or date.
    public var listedIDs: [String] = []
    public var conversions: [ImportedConversion] = []
    /// Coupon codes, each with its line (its `source`: a code already in the pool from another row is refused).
    public var coupons: [ImportedCoupon] = []

    public init() {}
    public var isEmpty: Bool {
        customers.isEmpty && events.isEmpty && suppressions.isEmpty && lifts.isEmpty && conversions.isEmpty && coupons.isEmpty
    }
}

public struct ImportProgress: Hashable, Sendable {
    public var sha256: String
    public var name: String
    /// The first physical line not yet committed.
    public var nextLine: Int
    public var rows: Int
    public var rejectedRows: Int
    /// The kind decided before the first batch (`customers`, `events`, `opt-outs`), so a resumed import keeps it
    /// whatever the configuration says meanwhile; empty for imports begun before kinds were recorded.
    public var kind: String
    public var snapshot: Bool

    public init(sha256: String, name: String, nextLine: Int, rows: Int, rejectedRows: Int, kind: String = "", snapshot: Bool = false) {
        self.sha256 = sha256
        self.name = name
        self.nextLine = nextLine
        self.rows = rows
        self.rejectedRows = rejectedRows
        self.kind = kind
        self.snapshot = snapshot
    }
}

public struct ImportedFile: Hashable, Sendable {
    public var sha256: String
    public var name: String
    public var rows: Int
    public var rejectedRows: Int
    public var importedAt: Date

    public init(sha256: String, name: String, rows: Int, rejectedRows: Int, importedAt: Date) {
        self.sha256 = sha256
        self.name = name
        self.rows = rows
        self.rejectedRows = rejectedRows
        self.importedAt = importedAt
    }
}

/// Opt-outs, hard failures and block lists. Consulted before every plan and dispatch.
public protocol SuppressionStore: Sendable {
    func addSuppressions(_ suppressions: [Suppression]) throws
    /// Lifts suppressions (an opt-back-in such as `START`): by phone or customer, for one category or all.
    func liftSuppressions(phone: String?, customerID: String?, category: String?) throws
    /// Every suppression that applies to any of these customers or phones.
    func suppressions(customerIDs: [String], phones: [String]) throws -> [Suppression]
    /// Records classified failures of sent messages and suppresses numbers as `NumberHygiene` says.
    func recordFailures(_ failures: [ClassifiedFailure], at now: Date) throws
}

/// A parsed conversion row and the line it came from (for an "unknown customer" row error at commit).
public struct ImportedCoupon: Hashable, Sendable {
    public var coupon: Coupon
    public var line: Int

    public init(_ coupon: Coupon, line: Int) {
        self.coupon = coupon
        self.line = line
    }
}

public struct ImportedConversion: Hashable, Sendable {
    public var conversion: Conversion
    public var line: Int

    public init(_ conversion: Conversion, line: Int) {
        self.conversion = conversion
        self.line = line
    }
}

/// Conversions (orders, visits, renewals) and what they are credited to (docs/conversions.md).
///
/// Every conversion row is kept (`conversion`), attributed or not, for the lift computation; credits live apart
/// (`attribution`) and are recomputed from the ledger, clicks and conversions, so a delivery report or a
/// click that arrives after the conversion file is not lost: call `attributeConversions` before reading.
public protocol ConversionStore: Sendable {
    /// Recomputes the credits of every customer with a conversion in `interval` (`Attribution.credit`), over
    /// all of that customer's conversions, delivered messages and clicks, in one transaction.
    /// - Returns: how many credits are stored for those customers, and what is credited for the first time.
    @discardableResult
    func attributeConversions(in interval: DateInterval, windows: Attribution.Windows) throws -> AttributionSummary
    /// Every stored conversion that occurred in `interval`, attributed or not, by time then customer.
    func conversions(in interval: DateInterval) throws -> [Conversion]
    /// Per campaign and variant over the conversions in `interval`, from the stored credits.
    func conversionTotals(in interval: DateInterval) throws -> [ConversionTotal]
    /// Per message key, most counted conversions first, then revenue (the report's "top 20 messages").
    func topConvertingMessages(in interval: DateInterval, limit: Int) throws -> [MessageConversions]
    /// The instants of the conversions counted for some campaign in `interval`, for a heat map.
    func conversionTimes(in interval: DateInterval) throws -> [Date]
}

/// What one `attributeConversions` call stored.
public struct AttributionSummary: Hashable, Sendable {
    public struct Series: Hashable, Sendable {
        public var campaign: String
        public var through: Attribution.Through

        public init(campaign: String, through: Attribution.Through) {
            self.campaign = campaign
            self.through = through
        }
    }

    /// Credits now stored for the customers recomputed (the earlier ones included).
    public var credits = 0
    /// Conversions counted for a campaign for the first time (`beckon_conversions_total`): a recomputation that
    /// finds the same credit again adds nothing, so a counter fed from here never counts one conversion twice.
    public var newConversions: [Series: Int] = [:]
    /// Revenue credited to a campaign for the first time (`beckon_conversion_revenue_total`).
    public var newRevenue: [String: Double] = [:]

    public init() {}
}

/// Counted conversions of a campaign and variant (one per customer per message window, by click or view) and every
/// credited amount: the figures the report already reads, scoped here by the conversions' time.
public typealias ConversionTotal = ReportRows.Conversions

public struct MessageConversions: Hashable, Sendable {
    public var messageKey: String
    public var campaign: String
    public var variant: String
    public var text: String
    public var conversions: Int
    public var revenue: Double
}

/// What `beckon report` reads: the period's counts, grouped in the store.
public protocol ReportStore: Sendable {
    /// - Parameter attributionDays: each campaign's attribution window (default 7 days): lift counts conversions
    ///   within it after each sent or held-out row.
    func reportRows(_ period: ReportPeriod, attributionDays: [String: Int]) throws -> ReportRows
}
