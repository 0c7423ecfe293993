import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import Foundation

struct HygieneCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, json }

    static let configuration = CommandConfiguration(
        commandName: "hygiene",
        abstract: "Lists a month's number hygiene: numbers suppressed and why, suppressions that lapsed, content blocks.",
        discussion: """
            For the month (its days in the configuration's time zone): every number suppressed by number hygiene
            (masked as in logs, with the customer id, the class, and the codes and dates behind it), every
            suppression that lapsed (the number is re-checked by the next campaign), and the campaign variants
            carriers refused as content, with counts. See docs/hygiene.md. It reads the store beside a running
            daemon.

            Examples:
              beckon hygiene --month 2026-11
              beckon hygiene --month 2026-11 --format csv --out reports/hygiene-2026-11.csv
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The month (YYYY-MM).")
    var month: String

    @Option(help: "text, csv or json; default: from --out's extension, else text.")
    var format: Format?

    @Option(help: "The file to write; default: standard output.")
    var out: String?

    func run() throws {
        let configuration = try options.load()
        guard let report = try HygieneReportBuilder.report(month: month, zone: configuration.timeZone, store: try options.openStore(configuration)) else {
            throw ValidationError("--month '\(month)' is not a month (YYYY-MM)")
        }
        let format = format ?? out.flatMap { Format(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) } ?? .text
        let text: String
        switch format {
        case .text: text = report.text
        case .csv: text = report.csv
        case .json: text = report.json
        }
        guard let out, out != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        let file = URL(fileURLWithPath: out)
        try Data(text.utf8).write(to: file, options: .atomic)
        print(file.path)
    }
}
