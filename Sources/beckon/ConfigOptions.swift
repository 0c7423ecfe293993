import ArgumentParser
import BeckonConfig
import BeckonCore
import BeckonDaemon
import BeckonStore
import Foundation
import Logging

/// Options every command that reads the configuration shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The main configuration file; campaigns are read from campaigns/ beside it.")
    var config: String = "etc/beckon.yaml"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Loads the configuration or exits 1 with the file, line and key at fault.
    func load() throws -> BeckonConfiguration {
        do {
            return try BeckonConfiguration.load(file: URL(fileURLWithPath: config))
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("beckon: configuration error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Opens the store to read it, beside a daemon or any other writer (`plan`, `explain`, `check`).
    func openStore(_ configuration: BeckonConfiguration) throws -> SQLiteStore {
        do {
            return try SQLiteStore(path: configuration.database.path)
        } catch {
            FileHandle.standardError.write(Data("beckon: cannot open the database \(configuration.database.path): \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Opens the store as its one writer (the daemon, `run --once`, `import`, `receipts`, `resolve`), or exits
    /// at once with `ExitCode.storeBusy` naming the process that writes it now.
    ///
    /// - Parameters:
    ///   - command: what this process is, as the next one refused will read it (`beckon import`).
    ///   - refusal: what to tell the user when the store is held, given the holder (default: try again later).
    func openStoreForWriting(_ configuration: BeckonConfiguration, command: String,
                             refusal: ((StoreLock.Holder) -> String)? = nil) throws -> SQLiteStore {
        let path = configuration.database.path
        do {
            return try SQLiteStore.openExclusive(path: path, command: command, since: ISOInstant.format(SystemClock().now, in: configuration.timeZone))
        } catch StoreLock.Failure.held(_, let holder) {
            let advice = refusal?(holder) ?? "Only one process writes the store at a time; run this again when it has finished."
            FileHandle.standardError.write(Data("beckon: the store \(path) is in use by \(holder). \(advice)\n".utf8))
            throw ExitCode.storeBusy
        } catch {
            FileHandle.standardError.write(Data("beckon: cannot open the database \(path): \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    func logger() -> Logger {
        var logger = Logger(label: "beckon")
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension ExitCode {
    /// The store is in use by another writer: try again later (sysexits' EX_TEMPFAIL, which cron wrappers
    /// and systemd can tell apart from a real failure).
    static let storeBusy = ExitCode(75)
}
