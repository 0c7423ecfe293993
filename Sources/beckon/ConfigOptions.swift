import ArgumentParser
import BeckonConfig
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

    func openStore(_ configuration: BeckonConfiguration) throws -> SQLiteStore {
        do {
            return try SQLiteStore(path: configuration.database.path)
        } catch {
            FileHandle.standardError.write(Data("beckon: cannot open the database \(configuration.database.path): \(error)\n".utf8))
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
