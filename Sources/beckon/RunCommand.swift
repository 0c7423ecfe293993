import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonStore
import Foundation
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs the daemon: watches inbox/, plans, dispatches and writes receipts.",
        discussion: """
            Without --once, Beckon runs until SIGTERM or SIGINT, waking on every tick and whenever a file
            lands in the inbox. A stop lets the batch in flight finish.

            With --once it runs exactly one full cycle and exits 0: for cron, replays and tests.

            One process writes the store at a time (a lock on var/beckon.sqlite.lock that the kernel drops
            when the process ends). A second `run` or `run --once` while the daemon runs is refused at once
            with exit status 75, naming the daemon's pid: the daemon already runs a cycle every tick.
            --now pins the instant that cycle believes it is (ISO 8601; without an offset it is read in
            the configured time zone).

            Examples:
              beckon run
              beckon run --once
              beckon run --once --now 2026-03-05T10:00:00+08:00
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Run one full cycle and exit.")
    var once = false

    @Option(help: "With --once: the instant to run at (ISO 8601).")
    var now: String?

    /// How the lock file names each mode, so `run --once` can tell a daemon from another one-off.
    static let daemonCommand = "beckon run"
    static let onceCommand = "beckon run --once"

    func validate() throws {
        if now != nil && !once { throw ValidationError("--now only goes with --once") }
    }

    func run() async throws {
        let configuration = try options.load()
        // Every logger of the process (ours, the HTTP server's, the service group's) writes through one output.
        let logOutput: LogOutput
        do { logOutput = try configuration.logFile.map(LogOutput.init(file:)) ?? .standardError } catch {
            FileHandle.standardError.write(Data("beckon: log_file \(configuration.logFile?.path ?? ""): cannot be opened for appending: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let format: BeckonLogHandler.Format = configuration.logFormat == .json ? .json : .text
        LoggingSystem.bootstrap { label in BeckonLogHandler(label: label, format: format, output: logOutput) }
        let logger = options.logger()
        var clock: any WallClock = SystemClock()
        if let now {
            guard let instant = ISOInstant.parse(now, defaultZone: configuration.timeZone) else {
                throw ValidationError("--now '\(now)' is not an ISO 8601 instant (e.g. 2026-11-24T10:00:00+08:00)")
            }
            clock = FixedClock(instant)
        }
        if !once { BeckonDaemon.bootstrapMetrics() }
        let store = try options.openStoreForWriting(configuration, command: once ? Self.onceCommand : Self.daemonCommand) { holder in
            guard once, holder.command == Self.daemonCommand else {
                return "Only one process writes the store at a time; run this again when it has finished."
            }
            // Not queued behind the daemon: it already runs a cycle every tick and whenever a file lands.
            return "That daemon already runs a full cycle every \(Int(configuration.tickSeconds)) s and whenever a file lands in the inbox, "
                + "so run --once is not needed while it runs (look at its log, or outbox/receipts/). To run a cycle by hand "
                + "(a replay with --now, a test), stop the daemon first (SIGTERM lets its batch in flight finish)."
        }
        let requests = DaemonRequests()
        let notifier = once ? nil : SystemdNotifier()
        let control = DaemonDispatchControl(store: store, requests: requests, notifier: notifier)
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: clock, logger: logger, control: control)
        if once {
            let recovered = try engine.recover()
            let report = try await engine.runCycle()
            print(CycleReportText.render(report, recovered: recovered, at: clock.now, zone: configuration.timeZone,
                                         pauses: try store.sendPauses()))
        } else {
            // SIGHUP: the same store, clock and dispatch control, the configuration on disk.
            let reloading = CycleService.Reloading(reload: ConfigurationReload(file: URL(fileURLWithPath: options.config))) { [clock] next in
                try BeckonEngine(configuration: next, store: store, clock: clock, logger: logger, control: control)
            }
            try await BeckonDaemon.serviceGroup(engine: engine, logger: logger, reloading: reloading, requests: requests, notifier: notifier,
                                                logOutput: logOutput).run()
        }
    }
}
