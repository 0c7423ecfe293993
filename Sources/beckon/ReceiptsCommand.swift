import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonDispatch
import Foundation

struct ReceiptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts",
        abstract: "Rewrites a day's receipt files and summary.json from the store.",
        discussion: """
            The store is the source of truth; receipt files are a projection of it. `beckon run` keeps them
            current on its own: every tick rewrites each hour that gained events (sends, delivery reports,
            replies, planning decisions, `beckon resolve`), and catches up after a restart. When files were
            lost or damaged, this writes every hour of the local day again (each file atomically) and the
            day's summary.json with the SHA-256 of every file, then lists what it wrote.

            Examples:
              beckon receipts --date 2026-11-24
              beckon receipts            # today, in the configured time zone
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The local day (YYYY-MM-DD) in the configured time zone; default: today.")
    var date: String?

    func run() throws {
        let configuration = try options.load()
        let store = try options.openStoreForWriting(configuration, command: "beckon receipts")
        let day: LocalDate
        if let date {
            guard let parsed = LocalDate(iso: date) else { throw ValidationError("--date '\(date)' is not a date (YYYY-MM-DD)") }
            day = parsed
        } else {
            day = LocalDate(SystemClock().now, in: configuration.timeZone)
        }
        let writer = ReceiptWriter(folder: configuration.outbox.appendingPathComponent("receipts"), timeZone: configuration.timeZone,
                                   ledger: store, includeFullPhone: configuration.receiptsFullPhone, jsonLines: configuration.receiptsJSONLines)
        let files = try writer.writeDay(day)
        for file in files { print(file.path) }
        if files.count <= 1 { print("no receipt events on \(day) (\(configuration.timeZone.identifier)); summary.json written with zero counts") }
    }
}
