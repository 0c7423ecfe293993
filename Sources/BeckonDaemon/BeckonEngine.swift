import BeckonConfig
import BeckonCore
import BeckonDispatch
import BeckonInbox
import BeckonStore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// One full cycle of Beckon: take inbox files, plan what is due, dispatch it, write receipts.
///
/// The daemon runs cycles on a tick and whenever the inbox changes; `beckon run --once` runs exactly one.
/// Every step is idempotent (message keys, file hashes), so a cycle interrupted anywhere can simply run again.
public final class BeckonEngine: Sendable {
    public let configuration: BeckonConfiguration
    public let store: SQLiteStore
    public let clock: any WallClock
    public let inbox: InboxProcessor
    public let dispatcher: Dispatcher
    public let receipts: ReceiptWriter
    let planner: Planner
    let logger: Logger
    /// Plan only what can have changed since the last pass (the default), or everyone at every cycle.
    let incrementalPlanning: Bool
    /// `PlanningMarks.configurationFingerprint` of the configuration, computed once.
    let fingerprint: String
    /// Asked between planning batches: true once the daemon must stop (SIGTERM), so a long pass ends within a batch.
    let shouldStop: @Sendable () -> Bool
    /// How long one slice of a pass over everyone runs in the daemon before the cycle goes on to dispatch.
    let planningSlice: Duration

    /// The token HTTP callers must present (also inside the DLR URLs handed to gateways).
    public let token: String

    static let evaluatedThroughKey = "planner.evaluated_through"
    static let rateKeyPrefix = "rate."

    /// What a cycle did, for logs and `run --once` output.
    public struct CycleReport: Sendable {
        public var files: [InboxProcessor.Outcome] = []
        public var planned = 0
        public var alreadyPlanned = 0
        /// Customers the plan step evaluated (each time it did: a customer in two of its passes counts twice).
        public var evaluatedCustomers = 0
        /// A pass over everyone was sliced and goes on at the next cycle (the daemon runs it at once).
        public var planningIncomplete = false
        /// Occurrences the policy stopped at planning time, by reason code (suppressed, dropped, expired).
        public var decided: [String: Int] = [:]
        /// Held-out ledger rows written by the plan step, by campaign and group.
        var heldOut: [HeldOutCount: Int] = [:]
        public var dispatch = Dispatcher.Summary()
        /// Messages held for an empty coupon pool that got a code this cycle, expired waiting, or still wait.
        public var coupons = SQLiteStore.HeldCoupons()
        public var receiptFiles: [URL] = []
        /// Daily reports written this cycle (`outbox/reports/`).
        public var reportFiles: [URL] = []
        /// Messages still waiting for their send time after this cycle, and the first of those times.
        public var waiting = 0
        public var nextSendAt: Date?
    }

    /// - Parameter fileClock: the real clock, for file ages in the inbox even when `clock` is pinned.
    /// - Parameter control: the daemon's stop and watchdog; by default the store's pauses alone.
    public init(configuration: BeckonConfiguration, store: SQLiteStore, clock: any WallClock,
                fileClock: any WallClock = SystemClock(), logger: Logger, control: (any DispatchControl)? = nil,
                incrementalPlanning: Bool = true,
                shouldStop: @escaping @Sendable () -> Bool = { Task.isShuttingDownGracefully || Task.isCancelled },
                planningSlice: Duration = .seconds(2)) throws {
        self.planningSlice = planningSlice
        self.configuration = configuration
        self.incrementalPlanning = incrementalPlanning
        self.shouldStop = shouldStop
        fingerprint = PlanningMarks.configurationFingerprint(configuration)
        self.store = store
        self.clock = clock
        self.logger = logger
        try FileManager.default.createDirectory(at: configuration.inbox, withIntermediateDirectories: true)
        inbox = InboxProcessor(inbox: configuration.inbox, store: store, stableSeconds: configuration.stableSeconds,
                               settings: configuration.inboxSettings, fileClock: fileClock, logger: logger)
        var planner = Planner(campaigns: configuration.campaigns, defaultTimeZone: configuration.timeZone,
                              calendar: configuration.calendar, policy: configuration.policy,
                              content: configuration.content)
        // Real tokens only here, where messages are written: previews keep the planner's placeholders.
        if configuration.links != nil {
            planner.linkTokens = SystemLinkTokens(shared: try store.sharedLinks(validAt: clock.now))
        }
        self.planner = planner
        let gate = PolicyGate(store: store, planner: planner, gate: SendGate(policy: configuration.policy, campaigns: configuration.campaigns))
        token = try ServerToken.resolve(configuration.server)
        let channels = ChannelFactory.channels(configuration, token: token)
        let limiters = try configuration.channels.map { channel in
            let saved = try store.value(for: Self.rateKeyPrefix + channel.id)
                .flatMap { try? JSONDecoder().decode(TokenBucket.self, from: Data($0.utf8)) }
            return ChannelLimiter(channel: channel.id, rate: channel.rate, concurrency: channel.concurrency, bucket: saved,
                                  wallClock: { fileClock.now })
        }
        var dispatcher = Dispatcher(ledger: store, channels: channels, routes: try ChannelRoutes.configured(configuration),
                                    limiters: limiters, clock: clock, gate: gate, logger: logger)
        dispatcher.suppressions = store
        dispatcher.budgets = configuration.budgetRule
        dispatcher.control = control ?? DaemonDispatchControl(store: store)
        dispatcher.failureCodes = Dictionary(configuration.channels.map { ($0.id, $0.failureCodeTable) },
                                             uniquingKeysWith: { first, _ in first })
        self.dispatcher = dispatcher
        // A rotated salt re-draws groups: said once in the log, never silently.
        try HoldoutSalts.noteChanges(configuration, store: store, logger: logger)
        HoldoutSalts.makeCounters(configuration)
        ConversionAttribution.makeCounters(configuration)
        receipts = ReceiptWriter(folder: configuration.outbox.appendingPathComponent("receipts"),
                                 timeZone: configuration.timeZone, ledger: store,
                                 includeFullPhone: configuration.receiptsFullPhone, jsonLines: configuration.receiptsJSONLines)
    }

    /// Settles what a previous process left in flight. Call once before the first cycle.
    public func recover() throws -> Dispatcher.Summary {
        var summary = Dispatcher.Summary()
        try dispatcher.recoverAfterCrash(into: &summary)
        try receipts.writeChanged()
        return summary
    }

    /// - Parameter planInSlices: plan a long pass in slices of about `planningSlice` (the daemon); otherwise
    ///   the whole pass (`run --once`, tests).
    public func runCycle(planInSlices: Bool = false) async throws -> CycleReport {
        var report = CycleReport()
        let now = clock.now
        var phase = PhaseTimer()
        report.files = inbox.processReadyFiles(now: now, timeZone: configuration.timeZone)
        do {
            try ConversionAttribution(store: store, campaigns: configuration.campaigns).afterImport(report.files)
        } catch {
            // Credits are recomputed before every report: one that could not be stored now is not lost.
            logger.warning("conversions not attributed after import; the next report attributes them", metadata: ["error": "\(error)"])
        }
        // Messages held for an empty pool take the codes that arrived before new messages do (or expire).
        report.coupons = try store.giveHeldCoupons(at: now)
        phase.lap("inbox")
        try plan(through: now, into: &report, inSlices: planInSlices)
        phase.lap("plan")
        try await dispatcher.dispatchDue(into: &report.dispatch)
        for (channel, bucket) in await dispatcher.rateSnapshots() {
            try store.setValue(String(decoding: try JSONEncoder().encode(bucket), as: UTF8.self), for: Self.rateKeyPrefix + channel)
        }
        phase.lap("dispatch")
        // Every hour that gained events since the files last caught up, whoever added them (this cycle, delivery
        // reports and replies through the server, `beckon resolve`, a process that died before writing them).
        report.receiptFiles = try receipts.writeChanged()
        phase.lap("receipts")
        if configuration.report.daily {
            report.reportFiles = DailyReports(folder: configuration.outbox.appendingPathComponent("reports"),
                                              builder: ReportBuilder(configuration: configuration, store: store, attributes: store), store: store,
                                              logger: logger).writeFinishedDays(now: now)
            if let file = MonthlyHygieneReports(folder: configuration.outbox.appendingPathComponent("reports"), zone: configuration.timeZone,
                                                store: store, logger: logger).writeFinishedMonth(now: now) {
                report.reportFiles.append(file)
            }
            phase.lap("report")
        }
        logger.debug("cycle phases", metadata: phase.metadata)
        (report.waiting, report.nextSendAt) = try store.scheduledOutlook()
        Gauge(label: "beckon_queue_depth").record(report.waiting)
        // A file left for later is seen again each cycle: counted once it is taken.
        for file in report.files where file.kind != .waiting {
            Counter(label: "beckon_inbox_files_total", dimensions: [("outcome", file.kind.rawValue)]).increment()
        }
        for (reason, count) in report.decided {
            Counter(label: "beckon_decisions_total", dimensions: [("reason", reason)]).increment(by: count)
        }
        for (series, count) in report.heldOut {
            HoldoutSalts.counter(campaign: series.campaign, group: series.group).increment(by: count)
        }
        return report
    }

    /// The window a cycle at `now` evaluates: since the previous evaluation, through `now` (`explain` and
    /// `plan` read the same one to predict the cycle).
    public static func planningWindow(through now: Date, in store: SQLiteStore) throws -> DateInterval {
        let previous = try store.value(for: evaluatedThroughKey).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        // First run, or a replay at an earlier instant: evaluate just the current moment (its local day).
        let start = previous.map { $0 < now ? $0 : now } ?? now
        return DateInterval(start: start, end: now)
    }

    /// Plans every occurrence in `(evaluated_through, now]`, and every event that arrived since the last pass
    /// and is due by now, and remembers how far it got.
    ///
    /// With `incrementalPlanning` (the default) only what can have produced something new is evaluated (see
    /// `PlanningScope` and docs/planning.md): everyone when a local day began or the configuration changed,
    /// otherwise the customers changed since the last pass, the event campaigns' customers with events, and the
    /// cron and RFM campaigns whose instant or boundaries came. The ledger that results is the one a pass over
    /// everyone writes; a property test holds the two to it.
    func plan(through now: Date, into report: inout CycleReport, inSlices: Bool = false) throws {
        let window = try Self.planningWindow(through: now, in: store)
        let arrivals = try EventArrivals.read(from: store)
        var breakpoints = try store.rfmBreakpoints()
        var marks = try PlanningMarks.read(from: store)
        var pass = try PlanningPass.read(from: store)
        let latestChange = try store.lastCustomerChange()
        func scope() -> PlanningScope {
            PlanningScope.decide(window: window, marks: marks, fingerprint: fingerprint, configuration: configuration,
                                 rfmComputedAt: breakpoints?.computedAt)
        }
        // New RFM boundaries when due, before the campaigns that read them plan (then they plan everyone). Decided
        // on what this pass would evaluate incrementally, so that the boundaries do not depend on the strategy.
        if pass == nil {
            let changedSinceRFM = breakpoints == nil ? 0 : try store.customersChangedSinceRFM()
            if configuration.rfmRefresh.isDue(computedAt: breakpoints?.computedAt, population: breakpoints?.population ?? 0,
                                              changed: changedSinceRFM, everyoneNext: scope().everyone, now: now) {
                breakpoints = try store.refreshRFMBreakpoints(at: now, throughChange: latestChange)
            }
        }
        let scope = incrementalPlanning ? scope() : .everything("incremental planning is off")
        if pass == nil, scope.everyone || !scope.campaignsForEveryone.isEmpty {
            if scope.everyone { logger.debug("planning everyone", metadata: ["reason": "\(scope.reason)"]) }
            // A pass over everyone for every campaign covers every change and arrival so far.
            pass = PlanningPass(campaigns: scope.everyone ? nil : scope.campaignsForEveryone.sorted(), startedAt: now.timeIntervalSince1970,
                                changesThrough: scope.everyone ? latestChange : marks.customersPlannedThrough,
                                arrivalsThrough: scope.everyone ? arrivals.latest : arrivals.plannedThrough, fingerprint: fingerprint,
                                zones: scope.everyone ? [] : (marks.zones ?? []).sorted())
        }
        let writer = PlanWriter(store: store, now: now)
        // A failed read or plan still lets the batch being written finish before the error goes up.
        defer { _ = try? writer.finish() }
        var zones = Set(pass?.zones ?? []).union(pass?.everyone == true ? [] : (marks.zones ?? []))
        var evaluated = 0

        /// - Parameter keepsDue: the batch is planned for every campaign, so its customers' next own trigger
        ///   day is computed again (the days after today: today's is decided now).
        func plan(_ batch: [Customer], with planner: Planner, keepsDue: Bool = false) throws {
            guard !batch.isEmpty else { return }
            try stopIfShuttingDown()
            let customers = try store.preparedForEvaluation(batch, for: planner.campaigns, window: window, arrivals: arrivals,
                                                            now: now, rfm: breakpoints)
            var dues: [(id: String, at: Date?)] = []
            for customer in customers {
                let zone = planner.timeZone(for: customer)
                zones.insert(zone.identifier)
                if keepsDue { dues.append((customer.id, nextDue(of: customer, in: zone, after: LocalDate(now, in: zone)))) }
            }
            evaluated += customers.count
            let suppressions = try store.suppressions(customerIDs: customers.map(\.id), phones: customers.map(\.phone))
            let result = planner.plan(customers: customers, window: window, now: now, suppressions: suppressions)
            let decided = result.decisions.compactMap { decision -> DecidedMessage? in
                guard let message = decision.message, let reason = decision.verdict.reason else { return nil }
                return DecidedMessage(message: message, status: decision.verdict.status, reasonCode: reason.code)
            }
            try writer.enqueue(result.messages, decided: decided)
            try writer.enqueueNextDue(dues)
        }

        // What changed since the last look: customers a file changed (every campaign), and the event campaigns'
        // customers with events that arrived or came due. A pass over everyone that starts now covers these.
        let changesAfter = pass?.everyone == true ? pass!.changesThrough : marks.customersPlannedThrough
        if latestChange > changesAfter {
            try store.forEachActiveCustomerChanged(after: changesAfter, batchSize: 10_000) { try plan($0, with: planner, keepsDue: true) }
        }
        if scope.dueCustomers && pass?.everyone != true {
            let ids = try store.dueCustomerIDs(through: now)
            for start in stride(from: 0, to: ids.count, by: 10_000) {
                try plan(try store.activeCustomers(ids: Array(ids[start..<min(start + 10_000, ids.count)])), with: planner, keepsDue: true)
            }
        }
        if !scope.eventCampaigns.isEmpty {
            let events = planner.restricted(to: scope.eventCampaigns)
            let spans = events.campaigns.compactMap { campaign -> (name: String, interval: DateInterval)? in
                guard case .event(let rule) = campaign.trigger else { return nil }
                return (rule.event, DateInterval(start: window.start.addingTimeInterval(-rule.delay), end: window.end.addingTimeInterval(-rule.delay)))
            }
            let after = pass?.everyone == true ? pass!.arrivalsThrough : arrivals.plannedThrough
            let ids = try store.eventCustomerIDs(arrivedAfter: after, at: pass?.everyone == true ? [] : spans).sorted()
            for start in stride(from: 0, to: ids.count, by: 10_000) {
                try plan(try store.activeCustomers(ids: Array(ids[start..<min(start + 10_000, ids.count)])), with: events)
            }
        }

        // The pass over everyone: all of it, or a slice of about `planningSlice` in the daemon.
        var passDone = true
        if var running = pass {
            let passPlanner = running.campaigns.map { planner.restricted(to: Set($0)) } ?? planner
            let started = ContinuousClock.now
            while true {
                let batch = try store.activeCustomers(after: running.afterID, limit: 10_000)
                guard let last = batch.last else { break }
                try plan(batch, with: passPlanner, keepsDue: running.everyone)
                running.afterID = last.id
                // A short page is the last one.
                if batch.count < 10_000 { break }
                if inSlices, ContinuousClock.now - started >= planningSlice {
                    passDone = false
                    break
                }
            }
            pass = running
        }
        let written = try writer.finish()
        report.planned += written.planned
        report.alreadyPlanned += written.alreadyPlanned
        report.evaluatedCustomers += evaluated
        report.decided.merge(written.decided, uniquingKeysWith: +)
        report.heldOut.merge(written.heldOut, uniquingKeysWith: +)
        if !written.decided.isEmpty { report.dispatch.noteEvent(at: now) }

        // Written after the messages: a crash in between only re-plans keys the ledger already holds.
        if var running = pass, !passDone {
            // Everything up to now that is not the pass's own work is planned; the next cycle goes on after afterID.
            running.changesThrough = latestChange
            running.arrivalsThrough = arrivals.latest
            running.zones = zones.sorted()
            try running.record(in: store)
            report.planningIncomplete = true
            return
        }
        marks.customersPlannedThrough = latestChange
        marks.fingerprint = pass?.fingerprint ?? fingerprint
        marks.zones = zones
        marks.rfmComputedAt = breakpoints?.computedAt
        if pass?.everyone == true { marks.dueIndexBuilt = true }
        try marks.record(in: store)
        try arrivals.recordPlanned(in: store)
        let through = pass.map { Date(timeIntervalSince1970: $0.startedAt) } ?? now
        if pass != nil { try PlanningPass.clear(in: store) }
        try store.setValue(String(through.timeIntervalSince1970), for: Self.evaluatedThroughKey)
    }

    /// When the customer's next own trigger day after `today` begins (their birthday, a date offset), over every
    /// enabled campaign; nil when none comes.
    func nextDue(of customer: Customer, in zone: TimeZone, after today: LocalDate) -> Date? {
        var next: LocalDate?
        for campaign in planner.campaigns {
            guard let rule = campaign.trigger.dueDayRule,
                  let day = rule.nextDueDay(onOrAfter: today.adding(days: 1), for: customer, zone: zone, context: configuration.calendar)
            else { continue }
            next = min(next ?? day, day)
        }
        return next?.start(in: zone)
    }

    /// A pass stops between batches when the daemon is asked to stop: nothing is marked planned, so the next
    /// start plans the same again (keys already written stay, once each).
    func stopIfShuttingDown() throws {
        if shouldStop() { throw CancellationError() }
    }
}
