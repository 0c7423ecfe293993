import BeckonConfig
import BeckonCore
import BeckonStore
import Foundation

/// Everything `beckon status` says, read from the store and its lock file (so it works with no daemon
/// running) and from `etc/`: who holds the store, which configuration runs, what is paused, where messages
/// stand, how each channel is doing and how far delivery reports lag. Encoded as is for `--json`.
public struct StatusReport: Codable, Hashable, Sendable {
    public var at: String
    public var writer: Writer?
    public var configuration: Configuration
    public var paused: [Pause]
    public var messages: [String: Int]
    public var nextSendAt: String?
    public var channels: [Channel]
    public var inFlight: Int
    public var lastFailure: Failure?
    public var lastReportAt: String?
    /// Seconds since the oldest message still waiting for a delivery report was sent (reporting channels).
    public var reportLagSeconds: Int?
    public var lastCycle: DaemonRecord.CycleSummary?
    public var lastCycleError: String?
    /// The last send that failed or went back for a retry (recorded by the daemon; transient ones have no receipt).
    public var lastSendProblem: DaemonRecord.SendProblem?
    public var lastInboxFile: DaemonRecord.InboxFileTaken?
    /// Campaign variants whose text carriers refused in the last 30 days (number hygiene's `content_blocked`):
    /// the copy needs changing; the numbers are not suppressed. Empty when there are none.
    public var contentBlocked: [ContentBlocked] = []

    public struct ContentBlocked: Codable, Hashable, Sendable {
        public var campaign: String
        public var variant: String
        public var count: Int
        public var lastCode: String
        public var lastAt: String
    }

    /// How far back `contentBlocked` looks.
    public static let contentBlockedDays = 30

    /// The process holding the store's lock: the daemon (`beckon run`) or another writing command.
    public struct Writer: Codable, Hashable, Sendable {
        public var pid: Int32?
        public var command: String
        public var since: String
        public var isDaemon: Bool
    }

    public struct Configuration: Codable, Hashable, Sendable {
        /// SHA-256 of `etc/` as it is on disk now.
        public var hashOnDisk: String
        /// What the daemon last loaded (at start or by a reload), and when; nil if no daemon ever ran here.
        public var hashRunning: String?
        public var loadedAt: String?
        /// The last reload the daemon refused, still in force (nil once a reload succeeds).
        public var reloadFailure: DaemonRecord.ReloadFailure?
        /// What is wrong with `etc/` as it is on disk now (what a reload or a restart would meet), if anything.
        public var errorOnDisk: String?
    }

    public struct Pause: Codable, Hashable, Sendable {
        public var scope: String
        public var name: String
        public var since: String
    }

    public struct Channel: Codable, Hashable, Sendable {
        public var id: String
        public var kind: String
        /// Messages per second; nil: unlimited.
        public var rate: Double?
        public var concurrency: Int
        public var sentLastMinute: Int
        public var inFlight: Int
        /// Sent or queued and still without a delivery report (only for channels whose gateways report).
        public var awaitingReports: Int?
    }

    public struct Failure: Codable, Hashable, Sendable {
        public var key: String
        public var reason: String
        public var providerCode: String
        public var at: String
    }

    /// - Parameters:
    ///   - configuration: `etc/` as loaded now, or the error that stopped it (status still reports the rest).
    ///   - configFile: `etc/beckon.yaml`; its folder is hashed.
    public static func gather(configuration: Result<BeckonConfiguration, ConfigError>, configFile: URL, database: URL, timeZone zone: TimeZone,
                              store: SQLiteStore, now: Date) throws -> StatusReport {
        func format(_ date: Date) -> String { ISOInstant.format(date, in: zone) }
        let channels = (try? configuration.get())?.channels ?? []
        let reporting = Set(channels.filter { $0.kind == .kannel || $0.kind == .http }.map(\.id))
        let ledger = try store.ledgerStatus(at: now, reportingChannels: reporting)
        let record = try DaemonRecord.load(from: store)
        let holder = SQLiteStore.lockHolder(database: database.path)
        var errorOnDisk: String?
        if case .failure(let error) = configuration { errorOnDisk = error.description }
        let oldestAwaiting = ledger.awaitingReports.values.map(\.oldestSentAt).min()
        return StatusReport(
            at: format(now),
            writer: holder.map { Writer(pid: $0.pid, command: $0.command, since: $0.since, isDaemon: $0.command == "beckon run") },
            configuration: Configuration(hashOnDisk: ConfigurationHash.of(folder: configFile.deletingLastPathComponent()),
                                         hashRunning: record.flatMap { $0.configHash.isEmpty ? nil : $0.configHash },
                                         loadedAt: record?.configLoadedAt, reloadFailure: record?.reloadFailure,
                                         errorOnDisk: errorOnDisk),
            paused: try store.sendPauses().map { Pause(scope: $0.scope.rawValue, name: $0.name, since: format($0.since)) },
            messages: ledger.messagesByStatus,
            nextSendAt: ledger.nextSendAt.map(format),
            channels: channels.map { channel in
                Channel(id: channel.id, kind: channel.kind.rawValue, rate: channel.rate, concurrency: channel.concurrency,
                        sentLastMinute: ledger.sentLastMinute[channel.id] ?? 0, inFlight: ledger.inFlight[channel.id] ?? 0,
                        awaitingReports: reporting.contains(channel.id) ? ledger.awaitingReports[channel.id]?.count ?? 0 : nil)
            },
            inFlight: ledger.inFlight.values.reduce(0, +),
            lastFailure: ledger.lastFailure.map { Failure(key: $0.key, reason: $0.reasonCode, providerCode: $0.providerCode, at: format($0.at)) },
            lastReportAt: ledger.lastReportAt.map(format),
            reportLagSeconds: oldestAwaiting.map { max(0, Int(now.timeIntervalSince($0))) },
            lastCycle: record?.lastCycle,
            lastCycleError: record?.lastCycleError,
            lastSendProblem: record?.lastSendProblem,
            lastInboxFile: record?.lastInboxFile ?? ledger.lastImport.map {
                DaemonRecord.InboxFileTaken(at: format($0.at), file: $0.name, outcome: "imported", rows: $0.rows,
                                            rejectedRows: $0.rejectedRows, detail: "")
            },
            contentBlocked: try store.contentBlocks(since: now.addingTimeInterval(-Double(contentBlockedDays) * 86_400)).map {
                ContentBlocked(campaign: $0.campaign, variant: $0.variant, count: $0.count, lastCode: $0.lastCode, lastAt: format($0.lastAt))
            }
        )
    }
}
