import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

/// Reads `etc/` again for a running daemon (SIGHUP): everything is parsed and checked before anything
/// changes, so a reload either swaps in a whole configuration that `beckon check` would pass or changes
/// nothing and names the file, line and key at fault.
public struct ConfigurationReload: Sendable {
    /// The main file (`etc/beckon.yaml`); campaigns, templates and calendars are read beside it.
    public let file: URL

    public init(file: URL) {
        self.file = file
    }

    /// A configuration that passed, and what it changes.
    public struct Accepted: Sendable {
        public var configuration: BeckonConfiguration
        public var hash: String
        /// Campaigns the running configuration has and this one does not, or has with `enabled: false`: they
        /// stop planning, and their waiting messages are dropped (`campaign_removed`).
        public var removedCampaigns: Set<String>
        /// Keys whose new values take effect only at the next restart (they are held by running services).
        public var restartOnly: [String]
    }

    /// The hash of the configuration folder as it is on disk now.
    public var currentHash: String { ConfigurationHash.of(folder: file.deletingLastPathComponent()) }

    /// - Parameter store: where the fields templates may use are sampled, as `beckon check` samples them.
    public func load(replacing running: BeckonConfiguration, store: SQLiteStore) throws(ConfigError) -> Accepted {
        // Hashed first: a file edited while it is read makes the next reload see a different hash, not the same.
        let hash = currentHash
        let next: BeckonConfiguration
        do {
            next = try BeckonConfiguration.load(file: file)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(file: file.path, line: nil, key: "", message: "\(error)")
        }
        // The store and the folders the daemon's services hold open cannot move under them.
        let fixed: [(key: String, running: URL, next: URL)] = [
            ("database", running.database, next.database), ("inbox", running.inbox, next.inbox), ("outbox", running.outbox, next.outbox),
        ]
        for change in fixed where change.running.standardizedFileURL.path != change.next.standardizedFileURL.path {
            throw ConfigError(file: file.path, line: nil, key: change.key, message:
                "changed from \(change.running.path) to \(change.next.path), which only a restart can apply; the running configuration is kept")
        }
        // `beckon check`'s blocking findings: a template that could not be sent must not replace one that can.
        let campaigns = file.deletingLastPathComponent().appendingPathComponent("campaigns").path
        let blocking: ConfigError?
        do { blocking = try ConfigurationCheck.firstBlocking(in: next, campaignsFolder: campaigns, store: store) } catch {
            throw ConfigError(file: campaigns, line: nil, key: "", message: "the store could not be read to check templates: \(error)")
        }
        if let blocking { throw blocking }
        var restartOnly: [String] = []
        if next.tickSeconds != running.tickSeconds { restartOnly.append("tick_seconds") }
        if next.rescanSeconds != running.rescanSeconds { restartOnly.append("rescan_seconds") }
        if next.stableSeconds != running.stableSeconds { restartOnly.append("stable_seconds") }
        if next.drainSeconds != running.drainSeconds { restartOnly.append("drain_seconds") }
        if next.logFormat != running.logFormat { restartOnly.append("log_format") }
        if next.logFile != running.logFile { restartOnly.append("log_file") }
        if next.server.host != running.server.host || next.server.port != running.server.port
            || next.server.token != running.server.token || next.server.publicURL != running.server.publicURL {
            restartOnly.append("server")
        }
        // The HTTP server keeps the endpoints it started with: a channel's delivery-report settings and the reply
        // keywords change there only at a restart (the engine, which imports reply files, has the new ones).
        let served = (running.serverSettings(token: ""), next.serverSettings(token: ""))
        if served.0.endpoints != served.1.endpoints || served.0.reportOverdueAfter != served.1.reportOverdueAfter
            || running.optOutKeywords != next.optOutKeywords || running.optInKeywords != next.optInKeywords {
            restartOnly.append("delivery-report and reply endpoints (channels, their report settings, opt-out keywords)")
        }
        return Accepted(configuration: next, hash: hash,
                        removedCampaigns: Set(running.campaigns.filter(\.enabled).map(\.id))
                            .subtracting(next.campaigns.filter(\.enabled).map(\.id)),
                        restartOnly: restartOnly)
    }
}

