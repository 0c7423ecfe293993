import BeckonCore
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, opened through GRDB.
///
/// Promises are kept by the schema (UNIQUE message keys, CHECK on states), not by Swift code.
/// All writes are transactions; readers never block the writer (WAL).
public final class SQLiteStore: Sendable {
    public let writer: any DatabaseWriter
    /// The one-writer lock this process holds on the store, if it opened it to write (see `StoreLock`).
    public let lock: StoreLock?

    /// Opens (and migrates) the database file, creating its folder.
    ///
    /// - Parameter lock: the store's lock, for a process that writes (the daemon and the commands that
    ///   change the ledger). Taken before opening, so even the migrations run under it; the store keeps it
    ///   for its life. Readers (`plan`, `explain`, `check`) pass nil and can run beside a writer.
    public init(path: String, lock: StoreLock? = nil) throws {
        self.lock = lock
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // NORMAL is durable in WAL mode across process crashes (only a power loss can lose the last
            // transactions); every state change that matters is written before the action it guards.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 16 MiB of page cache (the default is 2 MiB): with a million customers, the table's and the phone
            // index's upper pages no longer fit in 2 MiB and an import spends its time re-reading them.
            try db.execute(sql: "PRAGMA cache_size = -16384")
            // Checkpoint every 64 MiB of WAL instead of every 4 MiB: each checkpoint fsyncs twice, and an import
            // of a million customers (random phone-index pages in every batch) spent a quarter of its time
            // waiting on them. The WAL is cut back to that size after a checkpoint.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        writer = pool
        try MigrationLock.whileHeld(database: path) { try StoreMigrations.migrator.migrate(pool) }
    }

    /// Opens the store at `path` as its one writer: takes its lock at once (or throws `StoreLock.Failure.held`
    /// naming the holder), then opens and migrates the database under it.
    public static func openExclusive(path: String, command: String, since: String) throws -> SQLiteStore {
        try SQLiteStore(path: path, lock: StoreLock.acquire(database: path, command: command, since: since))
    }

    /// Who writes the store at `path` now (nil when nobody does), for a status command.
    public static func lockHolder(database path: String) -> StoreLock.Holder? {
        StoreLock.holder(database: path)
    }

    /// An in-memory store with the same migrations, for tests.
    public init() throws {
        lock = nil
        writer = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(writer)
    }
}
