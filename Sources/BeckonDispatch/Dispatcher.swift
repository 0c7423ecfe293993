import BeckonCore
import BeckonStore
import Foundation
import Logging
import Metrics

/// Sends due messages through their channels under the ledger's exactly-once discipline.
///
/// Every message is claimed (marked `pending`, owned by this process) *before* it leaves, and only a message
/// the claim changed is sent; its outcome is recorded *after*. A crash in between leaves `pending` rows,
/// which `recoverAfterCrash` settles once their owner is gone: resent only through a channel that
/// deduplicates by key, otherwise reported `unknown` for a delivery report or an operator to settle.
public struct Dispatcher: Sendable {
    public let ledger: any MessageLedger
    public let channels: [String: any Channel]
    public let routes: ChannelRoutes
    public let limiters: [String: ChannelLimiter]
    public let clock: any WallClock
    public let gate: (any DispatchGate)?
    public let batchSize: Int
    public let logger: Logger
    /// Who this dispatcher claims messages as (`ProcessInstance.id`; two dispatchers in one test differ).
    public let claimant: String
    /// Where failed sends' classified codes go (number hygiene: an invalid number is suppressed so no campaign
    /// tries it again), and each channel's failure-code table; a channel without one uses the built-in table.
    public var suppressions: (any SuppressionStore)?
    public var failureCodes: [String: FailureCodeTable] = [:]
    /// Campaign budgets, enforced as messages are claimed (nil or empty: claims are not budgeted).
    public var budgets: BudgetRule?
    /// Operator pauses, a stop in progress and the watchdog's heartbeat (see `DispatchControl`).
    public var control: (any DispatchControl)?
    /// How often a pass reads the pauses again: a claim round can come every millisecond, and `beckon pause`
    /// needs to take effect within a batch, not within a microsecond.
    public var pauseCheckInterval = Duration.milliseconds(100)
    /// Dispatch latency per channel, made once: a metrics factory looks labels up under a lock.
    let latency: [String: Timer]
    /// A uniform random number in [0, 1) for retry jitter; injected so tests are deterministic.
    let unitRandom: @Sendable () -> Double

    public init(ledger: any MessageLedger, channels: [any Channel], routes: ChannelRoutes = ChannelRoutes(),
                limiters: [ChannelLimiter] = [], clock: any WallClock, gate: (any DispatchGate)? = nil,
                batchSize: Int = 500, logger: Logger, claimant: String = ProcessInstance.current.id,
                unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.ledger = ledger
        self.claimant = claimant
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
        /// The last send of the pass that failed or is to be retried (a gateway down shows here first).
        public var lastProblem: SendProblem?

        public init() {}

        public mutating func noteEvent(at instant: Date) {
            firstEventAt = min(firstEventAt ?? instant, instant)
            lastEventAt = max(lastEventAt ?? instant, instant)
        }
    }

    /// Settles messages a process that is no longer alive left `pending`. Call once at start-up, before
    /// dispatching; another live process's messages in flight are left to it.
    public func recoverAfterCrash(into summary: inout Summary) throws {
        let now = clock.now
        var outcomes: [DispatchOutcome] = []
        for entry in try ledger.pendingAfterCrash(takenOverBy: claimant, isAlive: ProcessInstance.isAlive) {
            let deduplicates = routes.candidates(for: entry.message).first.flatMap({ channels[$0] })?.deduplicatesByKey ?? false
            switch InFlightRescue.decide(channelDeduplicatesByKey: deduplicates, cause: .crash) {
            case .resend(let reason):
                // Safe to send again: the channel cannot deliver the same key twice.
                outcomes.append(DispatchOutcome(key: entry.message.key, status: .scheduled, reasonCode: reason, retryAt: now))
                summary.recovered += 1
            case .unknown(let reason):
                outcomes.append(DispatchOutcome(key: entry.message.key, status: .unknown, reasonCode: reason))
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

    /// A message the gate let through, waiting for a send slot; not claimed yet.
    struct Approved: Sendable {
        var message: PlannedMessage
        var attempts: Int
        /// The channel whose send slots it waits for (its first configured route).
        var slot: String
    }

    /// A send that came back, with what recording it needs.
    struct Answer: Sendable {
        var outcome: DispatchOutcome
        var approved: Approved
    }

    /// Sends everything due now, until nothing is due.
    ///
    /// Due messages are read and reviewed by the gate in batches of `batchSize`, but claimed (marked `pending`)
    /// only as send slots free up, a few at a time, in one statement each: at any moment no more than a
    /// channel's `concurrency` of its messages are claimed and not yet answered, so a crash leaves at most
    /// that many whose outcome is unknown (plus answers not yet recorded). Only keys the claim changed are
    /// sent. Answers are recorded a chunk at a time (up to `LedgerOutcomeWriter`'s 500, or half a second's
    /// worth on a slow channel), while the next sends are on the wire.
    public func dispatchDue(into summary: inout Summary) async throws {
        var feed = DueFeed()
        var answers: [Answer] = []
        var oldestAnswer: ContinuousClock.Instant?
        var inFlight: [String: Int] = [:]
        var inFlightTotal = 0
        var holds = try HoldCheck(control, every: pauseCheckInterval)
        try await withThrowingTaskGroup(of: Answer.self) { group in
            while true {
                control?.heartbeat()
                // A stop or a reload claims nothing more: what is queued stays `scheduled`, what is in flight is
                // awaited and recorded.
                if control?.shouldStopClaiming == true, !feed.exhausted || feed.waiting > 0 {
                    feed.stop()
                    logger.notice("ending the dispatch pass: no more sends claimed; waiting for those in flight",
                                  metadata: ["in_flight": "\(inFlightTotal)"])
                }
                // A pause written meanwhile (by `beckon pause`) takes what it holds out of the queue, unclaimed.
                if try holds.refresh() { feed.removeHeld(by: holds.pauses) }
                // The gate reviews the next batch only once this one is all claimed, so its caps count this
                // batch as in flight rather than not at all.
                if feed.waiting == 0 && !feed.exhausted {
                    try refill(&feed, holding: holds.pauses, into: &summary)
                    continue
                }
                // Claim for each channel with enough free slots, all channels in one statement.
                var candidates: [Approved] = []
                for slot in feed.channelsWaiting {
                    let window = self.window(for: slot)
                    let free = window - inFlight[slot, default: 0]
                    guard free > 0, free >= min(max(1, window / 4), feed.queued(for: slot)) else { continue }
                    candidates += feed.take(free, for: slot)
                }
                if !candidates.isEmpty {
                    let (claimed, held) = try claim(candidates, into: &summary)
                    for approved in candidates where claimed.contains(approved.message.key) {
                        inFlight[approved.slot, default: 0] += 1
                        inFlightTotal += 1
                        group.addTask { Answer(outcome: await self.send(approved.message), approved: approved) }
                    }
                    // The rest were claimed by another process first: theirs to send and record, not ours.
                    if claimed.count + held < candidates.count {
                        logger.notice("messages claimed by another process were left to it",
                                      metadata: ["count": "\(candidates.count - claimed.count)"])
                    }
                    continue
                }
                guard inFlightTotal > 0, let answer = try await group.next() else { break }
                inFlight[answer.approved.slot, default: 1] -= 1
                inFlightTotal -= 1
                answers.append(answer)
                let now = ContinuousClock.now
                if oldestAnswer == nil { oldestAnswer = now }
                // Also when the pass runs dry, so the next refill's gate and its caller see the outcomes.
                let drained = inFlightTotal == 0 && feed.waiting == 0
                if answers.count >= Self.recordChunk || drained || now - oldestAnswer! > .milliseconds(500) {
                    try record(answers, into: &summary)
                    answers.removeAll(keepingCapacity: true)
                    oldestAnswer = nil
                }
            }
        }
        try record(answers, into: &summary)
    }

    /// Claims `candidates` for sending, under the budgets when there are any: a message its campaign's budget
    /// cannot pay for now is held in the claim's own transaction (counted here as deferred or dropped).
    func claim(_ candidates: [Approved], into summary: inout Summary) throws -> (claimed: Set<MessageKey>, held: Int) {
        let now = clock.now
        guard let budgets, !budgets.isEmpty else {
            return (Set(try ledger.claim(candidates.map(\.message.key), by: claimant, at: now)), 0)
        }
        let result = try ledger.claim(candidates.map { ClaimRequest(key: $0.message.key, channel: $0.slot) }, by: claimant, at: now,
                                      under: budgets)
        if !result.held.isEmpty {
            summary.noteEvent(at: now)
            count(result.held)
            for outcome in result.held {
                if outcome.status == .deferred { summary.deferred += 1 } else { summary.dropped += 1 }
            }
            logger.notice("campaign budget exhausted: messages held", metadata: ["count": "\(result.held.count)"])
        }
        return (Set(result.claimed), result.held.count)
    }

    /// How many of a channel's messages may be claimed and unanswered at once: its concurrency.
    func window(for channel: String) -> Int { limiters[channel]?.concurrency ?? Self.defaultWindow }

    /// For a channel without a limiter (tests, tools).
    static let defaultWindow = 8
    /// Answers recorded per transaction: the ledger writer's chunk, whose statements it compiles once.
    static let recordChunk = 500

    /// Due messages read and reviewed, waiting for send slots, and where the next read starts.
    struct DueFeed {
        var cursor: DueCursor?
        /// True once a read from the start found nothing due.
        var exhausted = false
        /// Whether anything was read since the last read from the start.
        var readSinceStart = false
        private var queues: [String: [Approved]] = [:]
        private var heads: [String: Int] = [:]
        private(set) var waiting = 0

        var channelsWaiting: [String] { queues.keys.filter { queued(for: $0) > 0 }.sorted() }

        func queued(for slot: String) -> Int { (queues[slot]?.count ?? 0) - (heads[slot] ?? 0) }

        mutating func append(_ approved: Approved) {
            queues[approved.slot, default: []].append(approved)
            waiting += 1
        }

        /// Ends the pass: nothing more is read, and what waits for a slot is left `scheduled`.
        mutating func stop() {
            queues = [:]
            heads = [:]
            waiting = 0
            exhausted = true
        }

        /// Leaves the messages `pauses` holds `scheduled`: out of the queue, never claimed.
        mutating func removeHeld(by pauses: SendPauses) {
            guard !pauses.isEmpty else { return }
            for (slot, queue) in queues {
                let head = heads[slot] ?? 0
                let kept = queue[head...].filter { !pauses.holds(campaign: $0.message.key.campaign, channel: $0.slot) }
                waiting -= (queue.count - head) - kept.count
                queues[slot] = kept.isEmpty ? nil : Array(kept)
                heads[slot] = nil
            }
        }

        mutating func take(_ count: Int, for slot: String) -> [Approved] {
            guard let queue = queues[slot] else { return [] }
            let head = heads[slot] ?? 0
            let end = min(head + count, queue.count)
            let taken = Array(queue[head..<end])
            if end == queue.count {
                queues[slot] = nil
                heads[slot] = nil
            } else {
                heads[slot] = end
            }
            waiting -= taken.count
            return taken
        }
    }

    /// Reads the next batch of due messages, settles what must not be sent (expired, no channel, held by the
    /// gate) and queues the rest for send slots.
    func refill(_ feed: inout DueFeed, holding pauses: SendPauses = .none, into summary: inout Summary) throws {
        let now = clock.now
        let batch = try ledger.due(at: now, after: feed.cursor, limit: batchSize)
        if batch.entries.isEmpty {
            // The end of the pass. Once more from the start, for messages that came due meanwhile (retries);
            // every message of the pass has left `scheduled` or waits for a later time, so none is read twice.
            if feed.cursor != nil && feed.readSinceStart {
                feed.cursor = nil
                feed.readSinceStart = false
            } else {
                feed.exhausted = true
            }
            return
        }
        feed.cursor = batch.next
        var outcomes: [DispatchOutcome] = []
        var sendable: [Approved] = []
        for entry in batch.entries {
            if entry.message.validUntil <= now {
                // Stale after downtime: an expired receipt, never a late burst. A paused message expires too.
                outcomes.append(DispatchOutcome(key: entry.message.key, status: .expired, reasonCode: "past_valid_until"))
                feed.readSinceStart = true
            } else if let slot = routes.candidates(for: entry.message).first(where: { channels[$0] != nil }) {
                // A paused message stays `scheduled`, untouched (not even by the gate). It does not count as
                // read: it is still due, so reading from the start again for it would never end.
                guard !pauses.holds(campaign: entry.message.key.campaign, channel: slot) else { continue }
                sendable.append(Approved(message: entry.message, attempts: entry.attempts, slot: slot))
                feed.readSinceStart = true
            } else {
                outcomes.append(DispatchOutcome(key: entry.message.key, status: .failed, reasonCode: "unknown_channel"))
                feed.readSinceStart = true
            }
        }
        if let gate, !sendable.isEmpty {
            let held = try gate.review(sendable.map(\.message), now: now)
            let heldKeys = Set(held.map(\.key))
            sendable.removeAll { heldKeys.contains($0.message.key) }
            outcomes += held
        }
        // Settled only where still `scheduled`: a message another process claimed meanwhile is its to record.
        let settled = try ledger.claimAndRecord(outcomes, by: claimant, at: now)
        if !settled.isEmpty {
            summary.noteEvent(at: now)
            count(settled)
        }
        for outcome in settled {
            switch outcome.status {
            case .suppressed: summary.suppressed += 1
            case .deferred: summary.deferred += 1
            case .dropped: summary.dropped += 1
            case .expired: summary.expired += 1
            case .failed: summary.failed += 1
            default: break
            }
        }
        for approved in sendable { feed.append(approved) }
    }

    /// The pauses a pass honours, read at its start and again at most every `interval` while it runs.
    struct HoldCheck {
        let control: (any DispatchControl)?
        let interval: Duration
        private(set) var pauses: SendPauses
        private var checkedAt: ContinuousClock.Instant

        init(_ control: (any DispatchControl)?, every interval: Duration) throws {
            self.control = control
            self.interval = interval
            pauses = try control?.pauses() ?? .none
            checkedAt = .now
        }

        /// Reads the pauses again if it is time; true when they changed and hold something.
        mutating func refresh() throws -> Bool {
            guard let control, ContinuousClock.now - checkedAt >= interval else { return false }
            checkedAt = .now
            let previous = pauses
            pauses = try control.pauses()
            return pauses != previous && !pauses.isEmpty
        }
    }

    /// A send that did not go: which message, through which channel, what the gateway or the channel said.
    public struct SendProblem: Hashable, Sendable {
        public var key: String
        public var channel: String
        public var reason: String
        public var providerCode: String
        /// True when it will be tried again (a transient failure), false when it failed for good.
        public var retrying: Bool
        public var at: Date
    }

    /// Records a chunk of answers in one transaction.
    func record(_ answers: [Answer], into summary: inout Summary) throws {
        guard !answers.isEmpty else { return }
        let results = answers.map { settleRetry($0.outcome, attempts: $0.approved.attempts, message: $0.approved.message) }
        let recordedAt = clock.now
        try ledger.record(results, at: recordedAt)
        try recordHygieneFailures(results, at: recordedAt)
        summary.noteEvent(at: recordedAt)
        count(results)
        for result in results {
            if result.retryAt != nil { summary.retried += 1 }
            else if result.status == .failed { summary.failed += 1 }
            else { summary.sent += 1 }
            if result.retryAt != nil || result.status == .failed {
                summary.lastProblem = SendProblem(key: result.key.description, channel: result.channel ?? "", reason: result.reasonCode ?? "",
                                                  providerCode: result.providerCode ?? "", retrying: result.retryAt != nil, at: recordedAt)
            }
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

    /// A send that failed for good with a code its channel's table classifies (invalid, carrier opt-out,
    /// suspended, content blocked) goes to number hygiene, as a failed delivery report does.
    func recordHygieneFailures(_ outcomes: [DispatchOutcome], at now: Date) throws {
        guard let suppressions else { return }
        let failures = outcomes.compactMap { outcome -> ClassifiedFailure? in
            guard outcome.status == .failed, outcome.retryAt == nil, let channel = outcome.channel, let code = outcome.providerCode,
                  !code.isEmpty else { return nil }
            let failureClass = (failureCodes[channel] ?? FailureCodeTable()).classify(code)
            guard NumberHygiene.isRecorded(failureClass) else { return nil }
            return ClassifiedFailure(key: outcome.key, channel: channel, failureClass: failureClass, code: code)
        }
        guard !failures.isEmpty else { return }
        try suppressions.recordFailures(failures, at: now)
        logger.warning("number hygiene: classified failed sends", metadata: ["count": "\(failures.count)"])
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
