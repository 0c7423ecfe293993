import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonReport
import BeckonStore
import Foundation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulates the days ahead over today's customers: messages, segments and cost, without sending or changing anything.",
        discussion: """
            Runs the daemon's own planner and policy (calendars, windows, frequency caps, the daily winner,
            holdouts and budgets) in memory, a cycle every tick_seconds, day by day from --from to --to,
            over the active customers in the store today. Each customer starts from their real recent
            messages, and each budget from what its campaign spent in the first day and month. The store is
            only read.

            Prints one row per day and campaign (planned, sent, segments, cost in report.currency, held out,
            held by caps, held by budget, stopped otherwise), the days on which caps or budgets held
            messages, and each channel's busiest hour against its rate (rate x 3600 messages an hour).

            --growth 5% models a customer base that grows by 5 % a month, compounded: each day's counts are
            scaled by 1.05 ^ (months since --from). An estimate: a budgeted campaign's scaled figures are
            clipped to its limits.

            Examples:
              beckon simulate
              beckon simulate --from 2027-01-01 --to 2027-12-31 --format csv --out 2027.csv
              beckon simulate --growth 5% --format html --out year.html
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The first local day (YYYY-MM-DD); default: today in the configured zone.")
    var from: String?

    @Option(help: "The last local day (YYYY-MM-DD), included; default: 364 days after --from.")
    var to: String?

    @Option(help: "Monthly growth of the customer base, compounded (e.g. 5%); scales the counts.")
    var growth: String?

    @Option(help: "text, csv, json or html; default: from --out's extension, else text.")
    var format: SimulationFormat?

    @Option(help: "The file to write ('-': standard output, the default except for html).")
    var out: String?

    func run() throws {
        let configuration = try options.load()
        let first: LocalDate
        if let from {
            guard let day = LocalDate(iso: from) else { throw ValidationError("--from '\(from)' is not a date (YYYY-MM-DD)") }
            first = day
        } else {
            first = LocalDate(SystemClock().now, in: configuration.timeZone)
        }
        let last: LocalDate
        if let to {
            guard let day = LocalDate(iso: to) else { throw ValidationError("--to '\(to)' is not a date (YYYY-MM-DD)") }
            last = day
        } else {
            last = first.adding(days: 364)
        }
        guard first <= last else { throw ValidationError("--from \(first) is after --to \(last)") }
        guard last.dayNumber - first.dayNumber < 3_660 else { throw ValidationError("--from \(first) to --to \(last) is more than ten years") }
        var scaling: SimulationGrowth?
        if let growth {
            guard let parsed = SimulationGrowth(parsing: growth) else {
                throw ValidationError("--growth '\(growth)' is not a monthly percentage above -100% (e.g. 5%)")
            }
            scaling = parsed
        }
        let format = format ?? out.flatMap { SimulationFormat(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) } ?? .text
        if format == .html && out == nil {
            throw ValidationError("--format html writes a page: give --out FILE (or --out - for standard output)")
        }
        let store = try options.openStore(configuration)
        let started = ContinuousClock.now
        var tally = try SimulationRun(configuration: configuration, store: store).run(from: first, to: last)
        if let scaling { tally = scaling.scaled(tally, from: first, budgets: configuration.budgetRule) }
        let elapsed = ContinuousClock.now - started
        let figures = SimulationFigures(tally, from: first, to: last, zone: configuration.timeZone, currency: configuration.report.currency,
                                        rates: Dictionary(configuration.channels.map { ($0.id, $0.rate) }, uniquingKeysWith: { a, _ in a }),
                                        growth: scaling,
                                        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let data = try format.render(figures)
        if let out, out != "-" {
            try data.write(to: URL(fileURLWithPath: out), options: .atomic)
            print(URL(fileURLWithPath: out).path)
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

extension SimulationFormat: ExpressibleByArgument {}
