import Foundation
import Logging
import ServiceLifecycle

/// Runs engine cycles on a tick, on the inbox rescan interval, and whenever the inbox changes.
///
/// Graceful shutdown (SIGTERM/SIGINT) ends the wait for the next wake-up; a cycle already running
/// finishes its batch first, so no file is left half-written and no ledger batch half-recorded.
public struct CycleService: Service {
    let engine: BeckonEngine
    let logger: Logger

    public init(engine: BeckonEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    public func run() async throws {
        let (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let configuration = engine.configuration
        let watcher = InboxWatcher(folder: configuration.inbox)
        let watching = watcher.start {
            continuation.yield()
            // A file without a marker is ready only once it has been still for `stable_seconds`: look again then.
            Task {
                try? await Task.sleep(for: .seconds(configuration.stableSeconds + 0.5))
                continuation.yield()
            }
        }
        logger.info("watching the inbox", metadata: [
            "inbox": "\(configuration.inbox.path)", "inotify": "\(watching)",
            "tick_seconds": "\(configuration.tickSeconds)", "rescan_seconds": "\(configuration.rescanSeconds)",
        ])
        let timer = Task {
            let interval = min(configuration.tickSeconds, configuration.rescanSeconds)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                continuation.yield()
            }
        }
        defer {
            timer.cancel()
            watcher.stop()
            continuation.finish()
        }

        _ = try engine.recover()
        await runCycle()
        for await _ in wakeups.cancelOnGracefulShutdown() {
            await runCycle()
        }
        logger.info("stopped gracefully")
    }

    /// A failing cycle is logged and retried on the next wake-up; it never stops the daemon.
    private func runCycle() async {
        do {
            let report = try await engine.runCycle()
            if !report.files.isEmpty || report.planned > 0 || report.dispatch != .init() {
                logger.info("cycle", metadata: report.logMetadata)
            }
        } catch {
            logger.error("cycle failed; will retry on the next wake-up", metadata: ["error": "\(error)"])
        }
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
