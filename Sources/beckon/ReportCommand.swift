import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonReport
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
        let builder = ReportBuilder(configuration: configuration, store: try options.openStore(configuration))
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
