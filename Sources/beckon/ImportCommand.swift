import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonInbox
import Foundation
import Logging

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Imports customer, trigger and opt-out files as the daemon would.",
        discussion: """
            Each file is read as the daemon reads inbox files (encoding, column mapping, kinds by name:
            *optout*/*unsubscribe*/*reply* are opt-out files, *event*/*trigger* are trigger files, the rest
            customer files; *snapshot*/*full* customer files mark absent customers inactive), committed in
            batches that a restart resumes, and recorded by content hash so it is never imported twice.
            Files given here are not moved. --dry-run validates without writing anything.

            Examples:
              beckon import exports/members-2026-11-24.csv
              beckon import --dry-run exports/*.csv
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Validate and report, without writing to the store.")
    var dryRun = false

    @Argument(help: "The files to import.")
    var files: [String]

    func run() throws {
        let configuration = try options.load()
        let store = dryRun ? try options.openStore(configuration) : try options.openStoreForWriting(configuration, command: "beckon import")
        var logger = options.logger()
        logger.logLevel = .warning
        let clock = SystemClock()
        let terminal = isatty(STDERR_FILENO) == 1
        var rows: [[String]] = []
        var failed = false
        for path in files {
            let url = URL(fileURLWithPath: path)
            // Row errors and quarantine reports go to the configured inbox's rejected/ folder.
            let processor = InboxProcessor(inbox: configuration.inbox, store: store, stableSeconds: 0,
                                           settings: configuration.inboxSettings, fileClock: clock, logger: logger)
            let started = Date()
            let report: (Int, Int) -> Void = { done, errors in
                guard terminal else { return }
                let rate = Double(done) / max(Date().timeIntervalSince(started), 0.001)
                FileHandle.standardError.write(Data(String(format: "\r%@: %d rows, %.0f rows/s, %d errors   ", url.lastPathComponent, done, rate, errors).utf8))
            }
            let result = dryRun
                ? processor.process(url, now: clock.now, timeZone: configuration.timeZone, dryRun: true, progress: report)
                : processor.importKeepingFile(url, now: clock.now, timeZone: configuration.timeZone, progress: report)
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            if result.kind == .rejected { failed = true }
            for error in result.errors.prefix(10) { FileHandle.standardError.write(Data("  \(error)\n".utf8)) }
            if result.errors.count > 10 { FileHandle.standardError.write(Data("  ... \(result.errors.count - 10) more\n".utf8)) }
            rows.append([url.lastPathComponent, result.kind.rawValue, "\(result.rows)", "\(result.rejectedRows)",
                         String(format: "%.1f s", Date().timeIntervalSince(started)), result.detail])
        }
        print(["file", "outcome", "rows", "rejected", "time", "detail"].joined(separator: "\t"))
        for row in rows { print(row.joined(separator: "\t")) }
        if dryRun { print("dry run: nothing was written") }
        if failed { throw ExitCode.failure }
    }
}
