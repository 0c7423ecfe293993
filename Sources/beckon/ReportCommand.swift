import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonReport
import BeckonStore
import Foundation

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Writes what the campaigns did in a period: one self-contained HTML page, or CSV/JSON.",
        discussion: """
            The period is the messages whose local day (in each customer's zone) lies from --from to --to, both
            included; clicks, conversions and opt-out replies follow those messages. The HTML page needs nothing
            outside itself (no network, no script): it opens from a shared folder. It reads the store beside a
            running daemon.

            Before reading, it credits conversions to the period's messages (docs/conversions.md), so a delivery
            report or a click that came after a conversions file counts. When another process writes the store
            (a running daemon), the credits are read as that process left them: the daemon credits conversions
            after each conversions file and before each daily report.

            Examples:
              beckon report --from 2026-11-01 --to 2026-11-30 --out reports/november.html
              beckon report --from 2026-11-24 --to 2026-11-24 --campaign birthday --format csv --out birthday.csv
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The first local day (YYYY-MM-DD).")
    var from: String

    @Option(help: "The last local day (YYYY-MM-DD), included.")
    var to: String

    @Option(help: "Only this campaign.")
    var campaign: String?

    @Option(help: "html, csv or json; default: from --out's extension, else html.")
    var format: ReportFormat?

    @Option(help: "The file to write; '-' writes to standard output.")
    var out: String

    func run() throws {
        guard let first = LocalDate(iso: from) else { throw ValidationError("--from '\(from)' is not a date (YYYY-MM-DD)") }
        guard let last = LocalDate(iso: to) else { throw ValidationError("--to '\(to)' is not a date (YYYY-MM-DD)") }
        guard first <= last else { throw ValidationError("--from \(first) is after --to \(last)") }
        let configuration = try options.load()
        if let campaign, !configuration.campaigns.contains(where: { $0.id == campaign }) {
            FileHandle.standardError.write(Data("beckon: note: no campaign '\(campaign)' in the configuration; reporting what the store has of it\n".utf8))
        }
        let format = format ?? ReportFormat(rawValue: URL(fileURLWithPath: out).pathExtension.lowercased()) ?? .html
        let builder: ReportBuilder
        do {
            // Crediting writes the store: only as its one writer, for as long as the report takes.
            let store = try SQLiteStore.openExclusive(path: configuration.database.path, command: "beckon report",
                                                      since: ISOInstant.format(SystemClock().now, in: configuration.timeZone))
            builder = ReportBuilder(configuration: configuration, store: store, attributes: store)
        } catch StoreLock.Failure.held(_, let holder) {
            FileHandle.standardError.write(Data("beckon: note: the store is in use by \(holder); conversions are reported as it last credited them\n".utf8))
            builder = ReportBuilder(configuration: configuration, store: try options.openStore(configuration))
        } catch {
            // A store that cannot be written here (a read-only share) can still be read.
            FileHandle.standardError.write(Data("beckon: note: conversions not credited (\(error)); reporting the credits as stored\n".utf8))
            builder = ReportBuilder(configuration: configuration, store: try options.openStore(configuration))
        }
        let period = ReportPeriod(from: first, to: last, campaign: campaign)
        if out == "-" {
            FileHandle.standardOutput.write(try format.render(builder.figures(period, generatedAt: SystemClock().now)))
            return
        }
        let file = URL(fileURLWithPath: out)
        try builder.write(period, format: format, to: file, generatedAt: SystemClock().now)
        print(file.path)
    }
}
