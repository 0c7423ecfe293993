import BeckonCore
import BeckonStore
import Foundation
import Logging
import Metrics

/// Sends due messages through their channels under the ledger's exactly-once discipline.
///
/// For each batch: due messages are marked `pending` in one transaction *before* any leaves; they are sent
/// concurrently; the outcomes are recorded in one transaction *after*. A crash between the two leaves
/// `pending` rows, which `recoverAfterCrash` settles: resent only through a channel that deduplicates by
/// key, otherwise reported `unknown` for a delivery report or an operator to settle.
public struct Dispatcher: Sendable {
    public let ledger: any MessageLedger
    public let channels: [String: any Channel]
    public let routes: ChannelRoutes
    public let limiters: [String: ChannelLimiter]
    public let clock: any WallClock
    public let gate: (any DispatchGate)?
    public let batchSize: Int
    public let logger: Logger
    /// Where hard-failed numbers go, and which provider codes per channel mean the number itself is bad
    /// (empty, invalid, not a mobile): such a number is suppressed so no campaign tries it again.
    public var suppressions: (any SuppressionStore)?
    public var hardFailureCodes: [String: Set<String>] = [:]
    /// Dispatch latency per channel, made once: a metrics factory looks labels up under a lock.
    let latency: [String: Timer]
    /// A uniform random number in [0, 1) for retry jitter; injected so tests are deterministic.
    let unitRandom: @Sendable () -> Double

    public init(ledger: any MessageLedger, channels: [any Channel], routes: ChannelRoutes = ChannelRoutes(),
                limiters: [ChannelLimiter] = [], clock: any WallClock, gate: (any DispatchGate)? = nil,
                batchSize: Int = 500, logger: Logger, unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.ledger = ledger
        self.gate = gate
        self.channels = Dictionary(channels.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.routes = routes
        self.limiters = Dictionary(limiters.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.batchSize = batchSize
        self.logger = logger
        self.unitRandom = unitRandom
        latency = Dictionary(self.channels.keys.map { ($0, Timer(label: "beckon_dispatch_seconds", dimensions: [("channel", $0)])) },
                             uniquingKeysWith: { first, _ in first })
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
            if let channel = routes.candidates(for: entry.message).first.flatMap({ channels[$0] }), channel.deduplicatesByKey {
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

    /// A batch handed to its channels, whose outcomes are not recorded yet.
    struct InFlight {
        var sending: Task<[DispatchOutcome], Never>
        var messages: [PlannedMessage]
        var attempts: [MessageKey: Int]
    }

    /// Sends everything due now, batch after batch, until nothing is due.
    ///
    /// Two batches overlap: while one is on the wire, the next is read, reviewed and marked `pending`, so
    /// the database and the network are busy at once. Every batch is still marked `pending` before any of
    /// it leaves and recorded after, so a crash leaves at most two batches to recover.
    public func dispatchDue(into summary: inout Summary) async throws {
        var previous: InFlight?
        while true {
            let now = clock.now
            let due = try ledger.due(at: now, limit: batchSize)
            if due.isEmpty { break }
            var outcomes: [DispatchOutcome] = []
            var sendable: [PlannedMessage] = []
            var attempts: [MessageKey: Int] = [:]
            for entry in due {
                if entry.message.validUntil <= now {
                    // Stale after downtime: an expired receipt, never a late burst.
                    outcomes.append(DispatchOutcome(key: entry.message.key, status: .expired, reasonCode: "past_valid_until"))
                } else if !routes.candidates(for: entry.message).contains(where: { channels[$0] != nil }) {
                    outcomes.append(DispatchOutcome(key: entry.message.key, status: .failed, reasonCode: "unknown_channel"))
                } else {
                    sendable.append(entry.message)
                    attempts[entry.message.key] = entry.attempts
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
            if !outcomes.isEmpty {
                try ledger.record(outcomes, at: now)
                summary.noteEvent(at: now)
                count(outcomes)
            }
            summary.expired += outcomes.filter { $0.status == .expired }.count
            summary.failed += outcomes.filter { $0.status == .failed }.count
            guard !sendable.isEmpty else { continue }

            try ledger.markPending(sendable.map(\.key), at: now)
            let batch = sendable
            let next = InFlight(sending: Task { await self.send(batch) }, messages: sendable, attempts: attempts)
            if let previous { try await finish(previous, into: &summary) }
            previous = next
        }
        if let previous { try await finish(previous, into: &summary) }
    }

    /// Waits for a batch's outcomes and records them in one transaction.
    func finish(_ batch: InFlight, into summary: inout Summary) async throws {
        let byKey = Dictionary(batch.messages.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let results = await batch.sending.value.map { settleRetry($0, attempts: batch.attempts[$0.key] ?? 0, message: byKey[$0.key]) }
        let recordedAt = clock.now
        try ledger.record(results, at: recordedAt)
        try suppressHardFailures(results, messages: batch.messages, at: recordedAt)
        summary.noteEvent(at: recordedAt)
        count(results)
        for result in results {
            if result.retryAt != nil { summary.retried += 1 }
            else if result.status == .failed { summary.failed += 1 }
            else { summary.sent += 1 }
        }
    }

    /// Counts a batch's outcomes once per campaign, channel and status: a metrics backend looks a counter up
    /// under a lock, which per message would be 500 lookups a batch for a handful of distinct counters.
    func count(_ outcomes: [DispatchOutcome]) {
        struct Dimensions: Hashable { var campaign, channel, status: String }
        var counts: [Dimensions: Int] = [:]
        for outcome in outcomes {
            let status = outcome.retryAt == nil ? outcome.status.rawValue : "retry"
            counts[Dimensions(campaign: outcome.key.campaign, channel: outcome.channel ?? "", status: status), default: 0] += 1
        }
        for (dimensions, count) in counts {
            Counter(label: "beckon_messages_total", dimensions: [("campaign", dimensions.campaign), ("channel", dimensions.channel),
                                                                ("status", dimensions.status)]).increment(by: count)
        }
    }

    func suppressHardFailures(_ outcomes: [DispatchOutcome], messages: [PlannedMessage], at now: Date) throws {
        guard let suppressions, !hardFailureCodes.isEmpty else { return }
        let phones = Dictionary(messages.map { ($0.key, $0.phone) }, uniquingKeysWith: { first, _ in first })
        let hard = outcomes.compactMap { outcome -> Suppression? in
            guard outcome.status == .failed, outcome.retryAt == nil, let channel = outcome.channel, let code = outcome.providerCode,
                  hardFailureCodes[channel]?.contains(code) == true, let phone = phones[outcome.key] else { return nil }
            return Suppression(phone: phone, source: .hardFailure, detail: "channel \(channel) reported \(code) for \(outcome.key)", at: now)
        }
        guard !hard.isEmpty else { return }
        try suppressions.addSuppressions(hard)
        logger.warning("suppressed hard-failed numbers", metadata: ["count": "\(hard.count)"])
    }

    /// Turns a channel's transient failure into the next attempt's time: exponential backoff with jitter,
    /// never sooner than the provider's `Retry-After`, and a final `failed` when that is past `valid_until`.
    func settleRetry(_ outcome: DispatchOutcome, attempts: Int, message: PlannedMessage?) -> DispatchOutcome {
        guard let hinted = outcome.retryAt else { return outcome }
        let now = clock.now
        let delay = RetryBackoff.delay(attempt: attempts + 1, retryAfter: max(0, hinted.timeIntervalSince(now)), unitRandom: unitRandom())
        var settled = outcome
        settled.retryAt = now.addingTimeInterval(max(1, delay))
        if let message, settled.retryAt! >= message.validUntil {
            settled.retryAt = nil
            settled.reasonCode = (outcome.reasonCode ?? "transient") + ";gave_up_at_valid_until"
        }
        return settled
    }

    private func send(_ messages: [PlannedMessage]) async -> [DispatchOutcome] {
        await withTaskGroup(of: DispatchOutcome.self) { group in
            for message in messages {
                group.addTask { await self.send(message) }
            }
            var outcomes: [DispatchOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// One message through its channels: the first, then each failover while the failure is transient.
    func send(_ message: PlannedMessage) async -> DispatchOutcome {
        let clock = self.clock
        var last: DispatchOutcome?
        for id in routes.candidates(for: message) {
            guard let channel = channels[id] else { continue }
            let limiter = limiters[id]
            await limiter?.acquire()
            let started = ContinuousClock.now
            var outcome = await channel.send(message, now: { clock.now })
            await limiter?.release()
            latency[id]?.recordInterval(since: started)
            outcome.channel = id
            last = outcome
            // Only a transient failure (the gateway surely did not take it, or may recover) moves on.
            if outcome.retryAt == nil { break }
            logger.warning("channel failed transiently", metadata: ["channel": "\(id)", "key": "\(message.key)",
                                                                     "reason": "\(outcome.reasonCode ?? "")"])
        }
        return last ?? DispatchOutcome(key: message.key, status: .failed, reasonCode: "unknown_channel")
    }

    /// The rate buckets to persist, so a restart does not grant a fresh burst.
    public func rateSnapshots() async -> [String: TokenBucket] {
        var result: [String: TokenBucket] = [:]
        for (id, limiter) in limiters { if let bucket = await limiter.snapshot { result[id] = bucket } }
        return result
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
