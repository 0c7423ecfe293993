// swift-tools-version:6.1
import PackageDescription

// Beckon: a pure core, adapters around it, a daemon assembled from services, and a thin CLI.
// Data flows one way: inbox -> store -> planner/policy -> renderer -> dispatcher -> receipts.
let package = Package(
    name: "Beckon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "beckon", targets: ["beckon"]),
        .library(name: "BeckonCore", targets: ["BeckonCore"]),
        // For the fuzz harnesses in Tests/Fuzz, a package of their own.
        .library(name: "BeckonConfig", targets: ["BeckonConfig"]),
        .library(name: "BeckonInbox", targets: ["BeckonInbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
    ],
    targets: [
        // Pure logic: calendars, policies, templates, segment counting. No I/O, no clock, no globals.
        .target(
            name: "BeckonCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // etc/*.yaml -> core values, with errors that name file, line and key.
        .target(
            name: "BeckonConfig",
            dependencies: ["BeckonCore", .product(name: "Yams", package: "Yams")]
        ),
        // Durable state behind narrow protocols; SQLite through GRDB is the embedded backend.
        .target(
            name: "BeckonStore",
            dependencies: ["BeckonCore", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The PostgreSQL backend, for several daemons on one database: claims and leases behind the store's protocols.
        .target(
            name: "BeckonPostgres",
            dependencies: [
                "BeckonCore", "BeckonStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // inbox/ files -> validated records in the store; quarantine for what cannot be read.
        .target(
            name: "BeckonInbox",
            dependencies: [
                "BeckonCore", "BeckonStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Channels (outbox, kannel, http, spool), the exactly-once ledger discipline, receipts files.
        .target(
            name: "BeckonDispatch",
            dependencies: [
                "BeckonCore", "BeckonStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Delivery reports, replies, health and metrics over HTTP (loopback, token checked).
        .target(
            name: "BeckonServer",
            dependencies: [
                "BeckonCore", "BeckonStore", "BeckonInbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // `beckon report`: the report's figures rendered as self-contained HTML, CSV or JSON. Pure rendering.
        .target(name: "BeckonReport", dependencies: ["BeckonCore"]),
        // The daemon: services assembled into a ServiceGroup, and the one-cycle engine.
        .target(
            name: "BeckonDaemon",
            dependencies: [
                "BeckonCore", "BeckonConfig", "BeckonStore", "BeckonInbox", "BeckonDispatch", "BeckonServer", "BeckonReport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The thin command line.
        .executableTarget(
            name: "beckon",
            dependencies: [
                "BeckonCore", "BeckonConfig", "BeckonStore", "BeckonInbox", "BeckonDispatch", "BeckonDaemon", "BeckonReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks (bench/*/run.sh build them in release mode).
        .executableTarget(name: "beckon-bench-calendar", dependencies: ["BeckonCore"], path: "bench/calendar", exclude: ["run.sh"]),
        .executableTarget(name: "beckon-bench-gateway", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
                          path: "bench/dispatch/gateway"),
        .executableTarget(name: "beckon-bench-redirect", dependencies: [
            "BeckonCore", "BeckonStore", "BeckonServer",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "bench/redirect", exclude: ["run.sh", "tokens.lua"]),
        .testTarget(
            name: "BeckonCoreTests",
            dependencies: ["BeckonCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "BeckonReportTests", dependencies: ["BeckonReport", "BeckonStore", "BeckonCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "BeckonConfigTests", dependencies: ["BeckonConfig"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BeckonStoreTests", dependencies: ["BeckonStore", "BeckonCore",
            .product(name: "PropertyBased", package: "swift-property-based")]),
        // One contract suite run against both backends (PostgreSQL when BECKON_TEST_POSTGRES_URL names a server).
        .testTarget(name: "StoreContractTests", dependencies: ["BeckonStore", "BeckonPostgres", "BeckonCore",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "BeckonInboxTests", dependencies: ["BeckonInbox", "BeckonStore"], resources: [.copy("Fixtures")]),
        // A real loopback SMS gateway with fault injection, and a systemd notify socket, shared by the tests.
        .target(name: "GatewaySupport", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Tests/GatewaySupport"),
        .testTarget(name: "BeckonDispatchTests", dependencies: ["BeckonDispatch", "BeckonStore", "GatewaySupport"]),
        .testTarget(name: "BeckonServerTests", dependencies: ["BeckonServer", "BeckonStore", "BeckonCore",
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .testTarget(name: "BeckonDaemonTests", dependencies: ["BeckonDaemon", "BeckonConfig", "BeckonStore", "BeckonServer", "GatewaySupport",
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto")]),
        // Runs the built `beckon` binary: the command line is a contract that scripts rely on.
        .testTarget(name: "BeckonCLITests", dependencies: ["beckon", "BeckonStore", "GatewaySupport",
            .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
