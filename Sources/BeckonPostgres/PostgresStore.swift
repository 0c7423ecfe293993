import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL backend: several daemons, on any number of hosts, on one database.
///
/// It talks through a `PostgresClient` pool, whose `run()` must be running for any query to go out (in the daemon a
/// service of its ServiceGroup; in tests a child task of a task group). Every value is a bound parameter; batches go
/// in as one JSON document (`jsonb_to_recordset`), so one statement serves any batch size and nulls stay nulls.
public final class PostgresStore: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Applies the schema's migrations that this database has not seen, in order, under an advisory lock.
    public func migrate() async throws {
        try await PostgresMigrations.apply(on: client, logger: logger)
    }
}

/// A PostgreSQL store that cannot be used as asked.
public enum PostgresStoreError: Error, CustomStringConvertible, Equatable {
    /// `database:` does not name a PostgreSQL server in a form Beckon reads.
    case invalidURL(String, reason: String)
    /// Something the SQLite backend stores that the PostgreSQL backend does not store yet.
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "database: '\(PostgresURL.masked(url))' is not a PostgreSQL URL Beckon can use: \(reason) "
                + "(write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require])"
        case .unsupported(let what):
            return "the PostgreSQL store does not keep \(what) yet; use the SQLite store for it"
        }
    }
}
