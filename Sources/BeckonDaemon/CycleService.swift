import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs engine cycles on a tick, on the inbox rescan interval, and whenever the inbox changes; reloads
/// `etc/` on SIGHUP between cycles.
///
/// Graceful shutdown (SIGTERM/SIGINT) ends the wait for the next wake-up; a cycle already running stops
/// claiming messages (`DaemonRequests`), waits for the sends in flight and records them, writes its receipts
/// and returns, so no file is left half-written and no ledger batch half-recorded. The service group bounds
/// that wait (`drain_seconds`).
public struct CycleService: Service {
    /// How a reload makes its engine: the same store, clock and logger, the new configuration.
    public struct Reloading: Sendable {
        public let reload: ConfigurationReload
        public let makeEngine: @Sendable (BeckonConfiguration) throws -> BeckonEngine

        public init(reload: ConfigurationReload, makeEngine: @escaping @Sendable (BeckonConfiguration) throws -> BeckonEngine) {
            self.reload = reload
            self.makeEngine = makeEngine
        }
    }

    let engine: BeckonEngine
    let logger: Logger
    let reloading: Reloading?
    let requests: DaemonRequests
    let notifier: SystemdNotifier?
    /// The log file SIGUSR1 reopens; nil (or standard error) when there is none.
    let logOutput: LogOutput?

    public init(engine: BeckonEngine, logger: Logger, reloading: Reloading? = nil, requests: DaemonRequests = DaemonRequests(),
                notifier: SystemdNotifier? = nil, logOutput: LogOutput? = nil) {
        self.engine = engine
        self.logger = logger
        self.reloading = reloading
        self.requests = requests
        self.notifier = notifier
        self.logOutput = logOutput
    }

    public func run() async throws {
        // A wake-up runs a cycle only if something asked for one; the watchdog's wake-ups only ping.
        let (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let cycleDue = RaisedFlag()
        // Read at start: the watcher and the timers keep these until a restart (a reload says so).
        let configuration = engine.configuration
        let watcher = InboxWatcher(folder: configuration.inbox)
        let watching = watcher.start {
            cycleDue.raise()
            continuation.yield()
            // A file without a marker is ready only once it has been still for `stable_seconds`: look again then.
            Task {
                try? await Task.sleep(for: .seconds(configuration.stableSeconds + 0.5))
                cycleDue.raise()
                continuation.yield()
            }
        }
        logger.info("watching the inbox", metadata: [
            "inbox": "\(configuration.inbox.path)", "inotify": "\(watching)",
            "tick_seconds": "\(configuration.tickSeconds)", "rescan_seconds": "\(configuration.rescanSeconds)",
        ])
        let timer = Task {
            let interval = Duration.seconds(min(configuration.tickSeconds, configuration.rescanSeconds))
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                cycleDue.raise()
                continuation.yield()
            }
        }
        // Between cycles this loop itself pings the watchdog (the dispatch loop does while it sends), so it
        // wakes at least twice per ping interval: a loop that no longer takes wake-ups stops the pings.
        let watchdog = Task { [interval = notifier?.watchdogInterval] in
            guard let interval else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: interval / 2)
                continuation.yield()
            }
        }
        let requests = self.requests
        let logger = self.logger
        let logOutput = self.logOutput
        let signals = Task {
            // Trapped here, so neither signal's default action (terminate) applies any more.
            for await signal in await UnixSignalsSequence(trapping: .sighup, .sigusr1) {
                if signal == .sighup {
                    requests.requestReload()
                    cycleDue.raise()
                    continuation.yield()
                } else if let file = logOutput?.file {
                    // After logrotate moved the file: this line is the first in the new one.
                    if logOutput?.reopen() == true {
                        logger.info("SIGUSR1: reopened the log file", metadata: ["file": "\(file.path)"])
                    } else {
                        logger.error("SIGUSR1: could not reopen the log file; still writing to the old one", metadata: ["file": "\(file.path)"])
                    }
                } else {
                    logger.info("SIGUSR1: logs go to standard error, there is no log file to reopen")
                }
            }
        }
        defer {
            timer.cancel()
            watchdog.cancel()
            signals.cancel()
            watcher.stop()
            continuation.finish()
        }

        var current = engine
        var record = try DaemonRecord.load(from: current.store) ?? DaemonRecord()
        record.configHash = reloading?.reload.currentHash ?? ""
        record.configLoadedAt = timestamp(current)
        record.reloadFailure = nil
        try record.save(to: current.store)

        _ = try current.recover()
        // A long planning pass runs a slice per cycle; the next cycle comes at once, after files and reports.
        func cycleAgainIfSliced(_ more: Bool) {
            guard more else { return }
            cycleDue.raise()
            continuation.yield()
        }
        cycleAgainIfSliced(await cycle(current, &record))
        notifier?.ready(status: statusLine(record))
        for await _ in wakeups.cancelOnGracefulShutdown() {
            notifier?.watchdogPing()
            guard cycleDue.take() else { continue }
            if requests.takeReload() { current = reload(current, &record) }
            cycleAgainIfSliced(await cycle(current, &record))
        }
        notifier?.stopping()
        logger.info("stopped gracefully")
    }

    /// One cycle; a stop asked for while it runs makes its dispatch claim nothing more.
    /// - Returns: whether a sliced planning pass goes on (run another cycle at once).
    private func cycle(_ engine: BeckonEngine, _ record: inout DaemonRecord) async -> Bool {
        let requests = self.requests
        return await withGracefulShutdownHandler {
            await runCycle(engine, &record)
        } onGracefulShutdown: {
            requests.requestStop()
        }
    }

    /// A failing cycle is logged and retried on the next wake-up; it never stops the daemon.
    private func runCycle(_ engine: BeckonEngine, _ record: inout DaemonRecord) async -> Bool {
        let at = timestamp(engine)
        var more = false
        do {
            let report = try await engine.runCycle(planInSlices: true)
            more = report.planningIncomplete
            if !report.files.isEmpty || report.planned > 0 || report.dispatch != .init() {
                logger.info("cycle", metadata: report.logMetadata)
            }
            record.lastCycle = .init(at: at, files: report.files.count, planned: report.planned, sent: report.dispatch.sent,
                                     failed: report.dispatch.failed, expired: report.dispatch.expired, retried: report.dispatch.retried)
            record.lastCycleError = nil
            if let problem = report.dispatch.lastProblem {
                record.lastSendProblem = .init(at: ISOInstant.format(problem.at, in: engine.configuration.timeZone), key: problem.key,
                                               channel: problem.channel, reason: problem.reason, providerCode: problem.providerCode,
                                               retrying: problem.retrying)
            }
            if let file = report.files.last(where: { $0.kind != .waiting }) {
                record.lastInboxFile = .init(at: at, file: file.file, outcome: file.kind.rawValue, rows: file.rows,
                                             rejectedRows: file.rejectedRows, detail: file.detail)
            }
            notifier?.status(statusLine(record, waiting: report.waiting, next: report.nextSendAt, zone: engine.configuration.timeZone))
        } catch is CancellationError {
            // A stop asked for mid-pass: the pass ended between batches and nothing was marked planned.
            logger.info("planning stopped for shutdown; the next start plans the same again")
        } catch {
            logger.error("cycle failed; will retry on the next wake-up", metadata: ["error": "\(error)"])
            record.lastCycleError = "\(at): \(error)"
        }
        do { try record.save(to: engine.store) } catch {
            logger.warning("could not record the cycle for beckon status", metadata: ["error": "\(error)"])
        }
        return more
    }

    /// Swaps in the configuration on disk if all of it passes, else keeps `engine` and says why.
    private func reload(_ engine: BeckonEngine, _ record: inout DaemonRecord) -> BeckonEngine {
        guard let reloading else {
            logger.notice("SIGHUP: this daemon was started without a configuration file to reload")
            return engine
        }
        notifier?.reloading()
        defer { notifier?.ready(status: statusLine(record)) }
        let at = timestamp(engine)
        do {
            let accepted: ConfigurationReload.Accepted
            let next: BeckonEngine
            do {
                accepted = try reloading.reload.load(replacing: engine.configuration, store: engine.store)
                next = try reloading.makeEngine(accepted.configuration)
            } catch let error as ConfigError {
                throw error
            } catch {
                throw ConfigError(file: reloading.reload.file.path, line: nil, key: "", message: "\(error)")
            }
            let dropped = try dropMessages(ofRemoved: accepted.removedCampaigns, using: next)
            // A changed template applies to what has not gone yet.
            let changed = WaitingMessageRetext.changedComposition(from: engine.configuration, to: accepted.configuration)
            let retexted = try WaitingMessageRetext.apply(to: changed, planner: next.planner, store: next.store, at: next.clock.now)
            record.configHash = accepted.hash
            record.configLoadedAt = at
            record.reloadFailure = nil
            try? record.save(to: engine.store)
            var metadata: Logger.Metadata = [
                "config_hash": "\(accepted.hash.prefix(12))", "campaigns": "\(accepted.configuration.campaigns.count)",
                "waiting_messages_recomposed": "\(retexted)",
            ]
            if !accepted.removedCampaigns.isEmpty {
                metadata["removed_campaigns"] = "\(accepted.removedCampaigns.sorted().joined(separator: ","))"
                metadata["dropped_messages"] = "\(dropped)"
            }
            logger.info("configuration reloaded", metadata: metadata)
            if !accepted.restartOnly.isEmpty {
                logger.warning("configuration reloaded; these keys take effect at the next restart",
                               metadata: ["keys": "\(accepted.restartOnly.joined(separator: ","))"])
            }
            return next
        } catch let error as ConfigError {
            var metadata: Logger.Metadata = ["file": "\(error.file)", "key": "\(error.key)", "error": "\(error)"]
            if let line = error.line { metadata["line"] = "\(line)" }
            logger.error("configuration reload refused; still running on the previous configuration", metadata: metadata)
            record.reloadFailure = .init(at: at, error: error)
            try? record.save(to: engine.store)
            return engine
        } catch {
            // The new configuration was fine but dropping a removed campaign's messages failed (the store):
            // the new engine is not used, and the next SIGHUP tries again.
            logger.error("configuration reload failed; still running on the previous configuration", metadata: ["error": "\(error)"])
            record.reloadFailure = .init(at: at, error: ConfigError(file: reloading.reload.file.path, line: nil, key: "", message: "\(error)"))
            try? record.save(to: engine.store)
            return engine
        }
    }

    /// A removed campaign plans nothing more; what it had waiting is dropped with a receipt saying why.
    private func dropMessages(ofRemoved campaigns: Set<String>, using engine: BeckonEngine) throws -> Int {
        let waiting = try engine.store.waitingMessages(ofCampaigns: campaigns)
        guard !waiting.isEmpty else { return 0 }
        let outcomes = waiting.map { DispatchOutcome(key: $0.key, status: .dropped, reasonCode: "campaign_removed") }
        return try engine.store.claimAndRecord(outcomes, by: engine.dispatcher.claimant, at: engine.clock.now).count
    }

    private func timestamp(_ engine: BeckonEngine) -> String {
        ISOInstant.format(engine.clock.now, in: engine.configuration.timeZone)
    }

    /// The one line `systemctl status` shows.
    private func statusLine(_ record: DaemonRecord, waiting: Int? = nil, next: Date? = nil, zone: TimeZone? = nil) -> String {
        var parts: [String] = []
        if let cycle = record.lastCycle {
            parts.append("last cycle \(cycle.at): \(cycle.files) file(s), \(cycle.planned) planned, \(cycle.sent) sent, \(cycle.failed) failed")
        }
        if let waiting { parts.append("\(waiting) waiting" + (next.map { ", next at \(ISOInstant.format($0, in: zone ?? .current))" } ?? "")) }
        if record.reloadFailure != nil { parts.append("last reload refused (see beckon status)") }
        return parts.isEmpty ? "running" : parts.joined(separator: "; ")
    }
}

extension BeckonEngine.CycleReport {
    public var logMetadata: Logger.Metadata {
        [
            "files": "\(files.count)", "planned": "\(planned)", "sent": "\(dispatch.sent)",
            "failed": "\(dispatch.failed)", "expired": "\(dispatch.expired)", "retried": "\(dispatch.retried)",
        ]
    }
}
