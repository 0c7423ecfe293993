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
            Each file is read as the daemon reads inbox files (encoding, column mapping, kind by the name
            patterns of inbox.kinds, else by the header; see inbox/README.md), checked whole before anything
            is written, committed in batches that a restart resumes, and recorded by content hash so it is
            never imported twice. Files given here are not moved. --dry-run validates without writing anything.

            A snapshot the inbox held (it would make more than inbox.snapshot_max_deactivate of the active
            customers inactive) is applied with --confirm-snapshot; the file then moves from inbox/held/ to
            the archive. --confirm-snapshot also makes any customer file a snapshot.

            Examples:
              beckon import exports/members-2026-11-24.csv
              beckon import --dry-run exports/*.csv
              beckon import --confirm-snapshot inbox/held/members-snapshot.csv
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Validate and report, without writing to the store.")
    var dryRun = false

    @Option(name: .customLong("confirm-snapshot"), help: ArgumentHelp("A customer snapshot to apply whatever share of customers it deactivates.", valueName: "file"))
    var confirmSnapshot: [String] = []

    @Argument(help: "The files to import.")
    var files: [String] = []

    func validate() throws {
        if files.isEmpty && confirmSnapshot.isEmpty { throw ValidationError("name at least one file to import") }
        if dryRun && !confirmSnapshot.isEmpty { throw ValidationError("--dry-run and --confirm-snapshot do not go together") }
    }

    func run() throws {
        let configuration = try options.load()
        let store = dryRun ? try options.openStore(configuration) : try options.openStoreForWriting(configuration, command: "beckon import")
        var logger = options.logger()
        logger.logLevel = .warning
        let clock = SystemClock()
        let terminal = isatty(STDERR_FILENO) == 1
        var rows: [[String]] = []
        var failed = false
        var outcomes: [InboxProcessor.Outcome] = []
        for (path, confirmed) in files.map({ ($0, false) }) + confirmSnapshot.map({ ($0, true) }) {
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
                : processor.importKeepingFile(url, now: clock.now, timeZone: configuration.timeZone, confirmSnapshot: confirmed, progress: report)
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            outcomes.append(result)
            if [.rejected, .held, .interrupted, .gone].contains(result.kind) { failed = true }
            for error in result.errors.prefix(10) { FileHandle.standardError.write(Data("  \(error)\n".utf8)) }
            if result.errors.count > 10 { FileHandle.standardError.write(Data("  ... \(result.errors.count - 10) more\n".utf8)) }
            rows.append([url.lastPathComponent, result.kind.rawValue, "\(result.rows)", "\(result.rejectedRows)",
                         String(format: "%.1f s", Date().timeIntervalSince(started)), result.detail])
        }
        if !dryRun {
            // Credited now, as `beckon run` does after a conversions file (docs/conversions.md).
            do { try ConversionAttribution(store: store, campaigns: configuration.campaigns).afterImport(outcomes) } catch {
                FileHandle.standardError.write(Data("beckon: note: conversions not credited yet (\(error)); the next report credits them\n".utf8))
            }
        }
        print(["file", "outcome", "rows", "rejected", "time", "detail"].joined(separator: "\t"))
        for row in rows { print(row.joined(separator: "\t")) }
        if dryRun { print("dry run: nothing was written") }
        if failed { throw ExitCode.failure }
    }
}
