import BeckonCore
import BeckonStore
import Foundation
import Logging

/// Sends due messages through their channels under the ledger's exactly-once discipline.
///
/// For each batch: due messages are marked `pending` in one transaction *before* any leaves; they are sent
/// concurrently; the outcomes are recorded in one transaction *after*. A crash between the two leaves
/// `pending` rows, which `recoverAfterCrash` settles: resent only through a channel that deduplicates by
/// key, otherwise reported `unknown` for a delivery report or an operator to settle.
public struct Dispatcher: Sendable {
    public let ledger: any MessageLedger
    public let channels: [String: any Channel]
    public let clock: any WallClock
    public let gate: (any DispatchGate)?
    public let batchSize: Int
    public let logger: Logger

    public init(ledger: any MessageLedger, channels: [any Channel], clock: any WallClock, gate: (any DispatchGate)? = nil,
                batchSize: Int = 500, logger: Logger) {
        self.ledger = ledger
        self.gate = gate
        self.channels = Dictionary(channels.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.batchSize = batchSize
        self.logger = logger
    }

    /// What one dispatch pass did, for logs and `run --once` output.
    public struct Summary: Hashable, Sendable {
        public var sent = 0
        public var failed = 0
        public var retried = 0
        public var expired = 0
        public var suppressed = 0
        public var deferred = 0
        public var dropped = 0
        public var recovered = 0
        public var unknown = 0
        public var firstEventAt: Date?
        public var lastEventAt: Date?

        public init() {}

        public mutating func noteEvent(at instant: Date) {
            firstEventAt = min(firstEventAt ?? instant, instant)
            lastEventAt = max(lastEventAt ?? instant, instant)
        }
    }

    /// Settles messages a previous process left `pending`. Call once at start-up, before dispatching.
    public func recoverAfterCrash(into summary: inout Summary) throws {
        let now = clock.now
        var outcomes: [DispatchOutcome] = []
        for entry in try ledger.pendingAfterCrash() {
            if let channel = channels[entry.message.channel], channel.deduplicatesByKey {
                // Safe to send again: the channel cannot deliver the same key twice.
                outcomes.append(DispatchOutcome(key: entry.message.key, status: .scheduled, reasonCode: "resend_after_crash", retryAt: now))
                summary.recovered += 1
            } else {
                outcomes.append(DispatchOutcome(key: entry.message.key, status: .unknown, reasonCode: "outcome_unknown_after_crash"))
                summary.unknown += 1
                summary.noteEvent(at: now)
            }
        }
        if !outcomes.isEmpty {
            try ledger.record(outcomes, at: now)
            logger.warning("settled messages left in flight by a previous run",
                           metadata: ["resent": "\(summary.recovered)", "unknown": "\(summary.unknown)"])
        }
    }

    /// Sends everything due now, batch after batch, until nothing is due.
    public func dispatchDue(into summary: inout Summary) async throws {
        while true {
            let now = clock.now
            let due = try ledger.due(at: now, limit: batchSize)
            if due.isEmpty { return }
            var outcomes: [DispatchOutcome] = []
            var sendable: [PlannedMessage] = []
            for entry in due {
                if entry.message.validUntil <= now {
                    // Stale after downtime: an expired receipt, never a late burst.
                    outcomes.append(DispatchOutcome(key: entry.message.key, status: .expired, reasonCode: "past_valid_until"))
                } else if channels[entry.message.channel] == nil {
                    outcomes.append(DispatchOutcome(key: entry.message.key, status: .failed, reasonCode: "unknown_channel"))
                } else {
                    sendable.append(entry.message)
                }
            }
            if let gate, !sendable.isEmpty {
                let held = try gate.review(sendable, now: now)
                let heldKeys = Set(held.map(\.key))
                sendable.removeAll { heldKeys.contains($0.key) }
                outcomes += held
                summary.suppressed += held.filter { $0.status == .suppressed }.count
                summary.deferred += held.filter { $0.status == .deferred }.count
                summary.dropped += held.filter { $0.status == .dropped }.count
            }
            if !outcomes.isEmpty { try ledger.record(outcomes, at: now) }
            summary.expired += outcomes.filter { $0.status == .expired }.count
            summary.failed += outcomes.filter { $0.status == .failed }.count
            if !outcomes.isEmpty { summary.noteEvent(at: now) }
            guard !sendable.isEmpty else { continue }

            try ledger.markPending(sendable.map(\.key), at: now)
            let results = await send(sendable)
            let recordedAt = clock.now
            try ledger.record(results, at: recordedAt)
            summary.noteEvent(at: recordedAt)
            for result in results {
                if result.retryAt != nil { summary.retried += 1 }
                else if result.status == .failed { summary.failed += 1 }
                else { summary.sent += 1 }
            }
        }
    }

    private func send(_ messages: [PlannedMessage]) async -> [DispatchOutcome] {
        let clock = self.clock
        return await withTaskGroup(of: DispatchOutcome.self) { group in
            for message in messages {
                let channel = channels[message.channel]!
                group.addTask { await channel.send(message, now: { clock.now }) }
            }
            var outcomes: [DispatchOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }
}
