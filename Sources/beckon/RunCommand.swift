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

    func validate() throws {
        if now != nil && !once { throw ValidationError("--now only goes with --once") }
    }

    func run() async throws {
        let configuration = try options.load()
        let logger = options.logger()
        var clock: any WallClock = SystemClock()
        if let now {
            guard let instant = ISOInstant.parse(now, defaultZone: configuration.timeZone) else {
                throw ValidationError("--now '\(now)' is not an ISO 8601 instant (e.g. 2026-11-24T10:00:00+08:00)")
            }
            clock = FixedClock(instant)
        }
        if !once { BeckonDaemon.bootstrapMetrics() }
        let store = try options.openStore(configuration)
        let engine = try BeckonEngine(configuration: configuration, store: store, clock: clock, logger: logger)
        if once {
            let recovered = try engine.recover()
            let report = try await engine.runCycle()
            print(CycleReportText.render(report, recovered: recovered, at: clock.now, zone: configuration.timeZone))
        } else {
            try await BeckonDaemon.serviceGroup(engine: engine, logger: logger).run()
        }
    }
}
