import Foundation

/// A ledger held in memory, with what the policy reads and writes: the messages of some customers and
/// their states. `PolicyCycle` runs a cycle against it: `beckon plan` and `explain` fill one from the real
/// ledger, a simulation starts from an empty one and keeps it across the cycles it runs.
public struct PolicyLedger: Sendable {
    public struct Row: Hashable, Sendable {
        public var message: PlannedMessage
        public var status: MessageStatus
        public var reasonCode: String?
        /// For a message that went: when (the ledger's last update of it), which caps count from.
        public var wentAt: Date?

        public init(message: PlannedMessage, status: MessageStatus, reasonCode: String? = nil, wentAt: Date? = nil) {
            self.message = message
            self.status = status
            self.reasonCode = reasonCode
            self.wentAt = wentAt
        }
    }

    /// Customer id -> key -> row.
    public private(set) var customers: [String: [MessageKey: Row]] = [:]

    public init() {}

    public subscript(key: MessageKey) -> Row? {
        get { customers[key.customer]?[key] }
        set { customers[key.customer, default: [:]][key] = newValue }
    }

    /// Records a message unless its key is there already (the ledger's UNIQUE key). True when new.
    @discardableResult
    public mutating func insert(_ message: PlannedMessage, status: MessageStatus, reasonCode: String? = nil) -> Bool {
        guard self[message.key] == nil else { return false }
        self[message.key] = Row(message: message, status: status, reasonCode: reasonCode)
        return true
    }

    /// Records a row read from a real ledger (replacing what was there: the fuller read wins).
    public mutating func load(_ row: Row) { self[row.message.key] = row }

    /// A customer's messages as the gate reads them, like `capHistory`: what went or is in flight, and what
    /// is still scheduled (transactional messages compete for nothing), since `since`.
    public func book(of customer: String, since: Date) -> [CapRecord] {
        (customers[customer] ?? [:]).values.compactMap { row in
            guard row.message.sendAt > since,
                  row.status.countsAsSent || (row.status == .scheduled && row.message.category != .transactional) else { return nil }
            var record = CapRecord(row.message, status: row.status)
            if row.status.countsAsSent, let went = row.wentAt { record.at = went }
            return record
        }
    }

    /// A customer's scheduled messages whose send time has come, in the dispatcher's order (send time, key).
    public func due(of customer: String, at now: Date) -> [Row] {
        (customers[customer] ?? [:]).values.filter { $0.status == .scheduled && $0.message.sendAt <= now }
            .sorted { ($0.message.sendAt, $0.message.key) < ($1.message.sendAt, $1.message.key) }
    }

    /// The earliest send time among a customer's scheduled messages after `instant`.
    public func nextSendTime(of customer: String, after instant: Date) -> Date? {
        (customers[customer] ?? [:]).values.filter { $0.status == .scheduled && $0.message.sendAt > instant }
            .map(\.message.sendAt).min()
    }
}
