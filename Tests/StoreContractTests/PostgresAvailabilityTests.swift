import BeckonPostgres
import Foundation
import PostgresNIO
import Testing

@Suite("StoreContract: the PostgreSQL backend itself")
struct PostgresAvailabilityTests {
    @Test("two daemons migrating one new database at once take turns under the advisory lock",
          .enabled(if: ContractBackend.postgresURL != nil,
                   "BECKON_TEST_POSTGRES_URL is not set: the PostgreSQL cases of the store contract suite are skipped (scripts/with-postgres swift test --filter StoreContract runs them against a throwaway server)"))
    func concurrentMigrations() async throws {
        let url = try #require(ContractBackend.postgresURL)
        try await PostgresHarness.withFreshDatabase(url: url) { store in
            // Already migrated once by the harness; two more at once find everything applied, or wait their turn.
            async let first: Void = store.migrate()
            async let second: Void = store.migrate()
            _ = try await (first, second)
            var names: [String] = []
            for try await name in try await store.client.query("SELECT name FROM beckon_migrations ORDER BY name").decode(String.self) {
                names.append(name)
            }
            #expect(names == ["v1-ledger", "v2-leader-lease"])
        }
        // A fresh database, three starting daemons with their own pools, none having migrated before.
        let configuration = try PostgresURL.configuration(url)
        try await PostgresHarness.withClient(configuration) { admin in
            let name = "beckon_contract_race_\(UInt32.random(in: 0...UInt32.max))"
            try await admin.query("CREATE DATABASE \(unescaped: name)")
            var renamed = configuration
            renamed.database = name
            let target = renamed
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            try await PostgresHarness.withClient(target) { client in
                                try await PostgresStore(client: client, logger: PostgresHarness.logger).migrate()
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                try await PostgresHarness.withClient(target) { client in
                    var count = 0
                    for try await n in try await client.query("SELECT count(*) FROM beckon_migrations").decode(Int.self) { count = n }
                    #expect(count == 2)
                }
            } catch {
                try await admin.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
                throw error
            }
            try await admin.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
        }
    }

    @Test("database URLs: what Beckon reads, and errors that say what to write")
    func urls() throws {
        let configuration = try PostgresURL.configuration("postgres://beckon:s%40cret@db.example:6543/beckon?sslmode=disable")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "beckon")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "beckon")
        #expect(try PostgresURL.configuration("postgresql://u@h/d").port == 5432)
        for bad in ["mysql://u@h/d", "postgres://h/d", "postgres://u@h", "postgres://u@h/d?sslmode=verify-full"] {
            #expect(throws: PostgresStoreError.self) { try PostgresURL.configuration(bad) }
        }
        let error = PostgresStoreError.invalidURL("postgres://u:hunter2@h", reason: "no database name after the host")
        #expect(!error.description.contains("hunter2"), "the password is masked in the message")
        #expect(error.description.contains("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"))
    }
}
