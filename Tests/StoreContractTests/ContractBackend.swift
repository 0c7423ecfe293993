import BeckonCore
import BeckonPostgres
import BeckonStore
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

/// A ledger row as the contract tests read it back, whichever backend holds it.
struct LedgerRow: Hashable, Sendable {
    var status: String
    var reasonCode: String?
    var attempts: Int
    var owner: String?
}

/// The backends the contract suite runs against: SQLite always, PostgreSQL when `BECKON_TEST_POSTGRES_URL` names a
/// server (`scripts/with-postgres` starts one; `scripts/test` always does).
enum ContractBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["BECKON_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// What `@Test(arguments:)` runs: the PostgreSQL case only where there is a server (`PostgresAvailabilityTests`
    /// says when it is skipped, once, by name).
    static var available: [ContractBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { self == .sqlite ? "SQLite" : "PostgreSQL" }

    /// Runs `body` against a fresh, migrated store of this backend, removed afterwards.
    func withStore<T: Sendable>(_ body: @Sendable (ContractSubject) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-contract-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let store = try SQLiteStore(path: folder.appendingPathComponent("beckon.sqlite").path)
            return try await body(ContractSubject(store: store, row: { key in
                try await store.writer.read { db in
                    try Row.fetchOne(db, sql: "SELECT status, reason_code, attempts, claimed_by FROM message WHERE key = ?",
                                     arguments: [key]).map {
                        LedgerRow(status: $0["status"], reasonCode: $0["reason_code"], attempts: $0["attempts"], owner: $0["claimed_by"])
                    }
                }
            }, receipts: { key in
                try await store.writer.read { db in
                    try String.fetchAll(db, sql: "SELECT status FROM receipt_event WHERE key = ? ORDER BY sequence", arguments: [key])
                }
            }))
        case .postgres:
            let url = try #require(Self.postgresURL)
            return try await PostgresHarness.withFreshDatabase(url: url) { store in
                try await body(ContractSubject(store: store, row: { key in
                    var found: LedgerRow?
                    for try await (status, reason, attempts, owner) in try await store.client.query("""
                        SELECT status, reason_code, attempts, claimed_by FROM message WHERE key = \(key)
                        """).decode((String, String?, Int, String?).self) {
                        found = LedgerRow(status: status, reasonCode: reason, attempts: attempts, owner: owner)
                    }
                    return found
                }, receipts: { key in
                    var statuses: [String] = []
                    for try await status in try await store.client.query("""
                        SELECT status FROM receipt_event WHERE key = \(key) ORDER BY sequence
                        """).decode(String.self) {
                        statuses.append(status)
                    }
                    return statuses
                }))
            }
        }
    }
}

/// One backend's store, with read-backs the protocols do not offer (they are for the tests' eyes only).
struct ContractSubject: Sendable {
    let store: any DispatchClaims & LeaderLeases
    let row: @Sendable (String) async throws -> LedgerRow?
    let receipts: @Sendable (String) async throws -> [String]
}

enum PostgresHarness {
    static let logger = Logger(label: "beckon.contract-tests")

    /// A database of its own for one test (tests run in parallel), created on the server the URL names, migrated,
    /// and dropped afterwards.
    static func withFreshDatabase<T: Sendable>(url: String, _ body: (PostgresStore) async throws -> T) async throws -> T {
        let admin = try PostgresURL.configuration(url)
        let name = "beckon_contract_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        // A database name is an identifier, not a value: made here of [a-z0-9_] only.
        _ = try await withClient(admin) { client in try await client.query("CREATE DATABASE \(unescaped: name)") }
        var configuration = admin
        configuration.database = name
        let result: Result<T, any Error>
        do {
            result = .success(try await withClient(configuration) { client in
                let store = PostgresStore(client: client, logger: logger)
                try await store.migrate()
                return try await body(store)
            })
        } catch {
            result = .failure(error)
        }
        _ = try await withClient(admin) { client in try await client.query("DROP DATABASE \(unescaped: name) WITH (FORCE)") }
        return try result.get()
    }

    /// A pool whose `run()` runs beside `body`, and stops when `body` returns.
    static func withClient<T: Sendable>(_ configuration: PostgresClient.Configuration, _ body: (PostgresClient) async throws -> T)
        async throws -> T {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

/// Messages for the contract tests: due a minute ago by the host's clock, valid for an hour.
enum ContractMessages {
    static func key(_ index: Int, campaign: String = "c") -> MessageKey {
        MessageKey(campaign: campaign, wave: 0, customer: "C\(index)", localDate: LocalDate(iso: "2026-12-04")!)
    }

    static func messages(_ count: Int, channel: String = "sms", campaign: String = "c", now: Date = Date()) -> [PlannedMessage] {
        (0..<count).map { index in
            PlannedMessage(key: key(index, campaign: campaign), category: .care, phone: "+86138\(String(format: "%08d", index))",
                           channel: channel, text: "hello \(index)", sendAt: now.addingTimeInterval(-60 + Double(index % 7)),
                           validUntil: now.addingTimeInterval(3600), reason: "contract")
        }
    }

    static func sent(_ claims: [DispatchClaim]) -> [ClaimedOutcome] {
        claims.map { ClaimedOutcome(claim: $0, outcome: DispatchOutcome(key: $0.key, status: .sent, providerID: "p-\($0.key.customer)")) }
    }
}
