import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonStore
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Shows what Beckon is doing: the daemon, its configuration, pauses, messages, channels.",
        discussion: """
            Reads the store and its lock file, so it works whether or not a daemon runs: whether a process
            holds the store (its pid and since when), the configuration's hash on disk and the one the daemon
            runs (and a refused reload, with its file, line and key), what is paused, the last cycle and the
            last inbox file taken, messages by state and the next send time, per channel the messages sent in
            the last minute, in flight and awaiting delivery reports, the last failure and how far delivery
            reports lag. --json prints the same as one JSON object, for scripts and monitoring.

            Examples:
              beckon status
              beckon status --json | jq .paused
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let file = URL(fileURLWithPath: options.config)
        // A broken etc/ is when status is most needed: the main file alone says where the store is.
        let configuration: Result<BeckonConfiguration, ConfigError>
        let location: (database: URL, timeZone: TimeZone)
        do {
            let loaded = try BeckonConfiguration.load(file: file)
            configuration = .success(loaded)
            location = (loaded.database, loaded.timeZone)
        } catch let error as ConfigError {
            configuration = .failure(error)
            do { location = try BeckonConfiguration.storeLocation(file: file) } catch {
                FileHandle.standardError.write(Data("beckon: configuration error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
        let store: SQLiteStore
        do { store = try SQLiteStore(path: location.database.path) } catch {
            FileHandle.standardError.write(Data("beckon: cannot open the database \(location.database.path): \(error)\n".utf8))
            throw ExitCode.failure
        }
        let report = try StatusReport.gather(configuration: configuration, configFile: file, database: location.database,
                                             timeZone: location.timeZone, store: store, now: SystemClock().now)
        // Coupon pools that will not last (read here: the status report itself is the daemon's and the store's).
        let now = SystemClock().now
        let warnDays = (try? configuration.get())?.couponWarnDays ?? 7
        let couponWarnings = try store.couponPools(today: LocalDate(now, in: location.timeZone),
                                                   since: now.addingTimeInterval(-Double(CouponOutlook.rateDays) * 86_400))
            .compactMap { $0.outlook.warning(warnDays: warnDays) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(StatusText.render(report))
            for warning in couponWarnings { print("warning: \(warning)") }
        }
    }
}
