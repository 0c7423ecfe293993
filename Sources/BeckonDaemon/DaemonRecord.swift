import BeckonConfig
import BeckonStore
import Foundation

/// What the daemon keeps in the store's state for `beckon status`, which reads it with or without a daemon
/// running: the configuration it runs on, a reload it refused, its last cycle and the last inbox file taken.
public struct DaemonRecord: Codable, Hashable, Sendable {
    /// SHA-256 of every file under `etc/` (see `ConfigurationHash`) as loaded at start or by the last reload.
    public var configHash = ""
    public var configLoadedAt = ""
    /// The last reload that was refused, while the daemon kept the configuration above. Nil once one succeeds.
    public var reloadFailure: ReloadFailure?
    public var lastCycle: CycleSummary?
    public var lastInboxFile: InboxFileTaken?
    /// The last cycle that failed as a whole (the store, a disk), with when.
    public var lastCycleError: String?
    /// The last send that failed or went back for a retry, in any cycle.
    public var lastSendProblem: SendProblem?

    public struct SendProblem: Codable, Hashable, Sendable {
        public var at: String
        public var key: String
        public var channel: String
        public var reason: String
        public var providerCode: String
        public var retrying: Bool
    }

    public struct ReloadFailure: Codable, Hashable, Sendable {
        public var at: String
        public var file: String
        public var line: Int?
        public var key: String
        public var message: String

        public init(at: String, error: ConfigError) {
            self.at = at
            file = error.file
            line = error.line
            key = error.key
            message = error.message
        }

        /// As `beckon check` prints a configuration error.
        public var text: String { ConfigError(file: file, line: line, key: key, message: message).description }
    }

    public struct CycleSummary: Codable, Hashable, Sendable {
        public var at: String
        public var files: Int
        public var planned: Int
        public var sent: Int
        public var failed: Int
        public var expired: Int
        public var retried: Int
    }

    public struct InboxFileTaken: Codable, Hashable, Sendable {
        public var at: String
        public var file: String
        public var outcome: String
        public var rows: Int
        public var rejectedRows: Int
        public var detail: String
    }

    public init() {}

    static let stateKey = "daemon.record"

    public static func load(from store: any StateStore) throws -> DaemonRecord? {
        guard let text = try store.value(for: stateKey) else { return nil }
        return try? JSONDecoder().decode(DaemonRecord.self, from: Data(text.utf8))
    }

    func save(to store: any StateStore) throws {
        try store.setValue(String(decoding: try JSONEncoder().encode(self), as: UTF8.self), for: Self.stateKey)
    }
}
