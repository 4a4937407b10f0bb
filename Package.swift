// swift-tools-version: 6.0
import PackageDescription

/// One set of compiler settings for every target: Swift 6 language mode everywhere.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    // Every file imports the modules whose members it uses: a target's imports are its real dependencies.
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "batchd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "batchd", targets: ["batchd"]),
        .executable(name: "batchctl", targets: ["batchctl"]),
        .executable(name: "batchd-sim", targets: ["batchd-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.70.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        // RSA signatures of Entra ID client assertions (and their checks in the simulator); certificates.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        // Latency percentiles of the job report: HDR histograms, mergeable across runs.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // `/metrics`: the ecosystem's metrics API, and its Prometheus backend (text exposition).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Deflate of the answers the cache keeps (`cache_keep_bodies`), over the system zlib.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // The system SQLite library (Debian: libsqlite3-dev).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The domain, no I/O: lines and their parsing, output lines, states, quota and retry rules.
        .target(
            name: "BatchCore",
            swiftSettings: swiftSettings
        ),
        // The price table shipped with batchd (prices.json, compiled in), over BatchCore's price model.
        .target(
            name: "BatchPrices",
            dependencies: ["BatchCore"],
            resources: [.embedInCode("prices.json")],
            swiftSettings: swiftSettings
        ),
        // Blocking work off the threads that run Swift tasks (NIO's blocking pool, named threads).
        .target(
            name: "BatchThreads",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The durable queue on SQLite, and the async facade every caller uses.
        .target(
            name: "BatchStore",
            dependencies: ["CSQLite", "BatchCore", "BatchThreads"],
            swiftSettings: swiftSettings
        ),
        // HTTP: endpoints, credentials, the async-http-client transport.
        .target(
            name: "BatchTransport",
            dependencies: [
                "BatchCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // NIOConnectionError: what a refused connection or an unknown host name throws.
                .product(name: "NIOPosix", package: "swift-nio"),
                // SHA-256 and RS256 for Entra ID client assertions.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The configuration file, the environment's endpoint, and the job settings with their precedence.
        .target(
            name: "BatchConfig",
            dependencies: ["BatchCore", "BatchTransport", "BatchPrices"],
            swiftSettings: swiftSettings
        ),
        // One job's run: ingest, lanes and dispatch, the sender, the outcome writer, the report.
        .target(
            name: "BatchEngine",
            dependencies: [
                "BatchCore", "BatchStore", "BatchTransport", "BatchConfig", "BatchThreads",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // `/metrics`: the Prometheus registry fed by the engine's metrics, and its HTTP server (SwiftNIO).
        .target(
            name: "BatchMetrics",
            dependencies: [
                "BatchCore", "BatchEngine", "BatchStore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The daemon's long-running services: the job queue, the drop-folder watcher, systemd, logging.
        .target(
            name: "BatchDaemon",
            dependencies: [
                "BatchCore", "BatchStore", "BatchConfig", "BatchEngine", "BatchThreads", "BatchMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the executables share: parsing and running a command from top-level code, and signals.
        .target(
            name: "BatchCommandLine",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The OpenAI/Azure-compatible simulator. Shares no quota or retry code with the client.
        .target(
            name: "BatchSimulator",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Checks client assertions against the configured certificate (Entra ID side).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fakes and helpers shared by the tests.
        .target(
            name: "BatchTesting",
            dependencies: [
                "BatchCore", "BatchStore", "BatchTransport", "BatchConfig", "BatchEngine",
                // A real RSA key and self-signed certificate for the client-certificate tests.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchd",
            dependencies: [
                "BatchCommandLine", "BatchDaemon", "BatchEngine", "BatchConfig", "BatchStore",
                "BatchTransport", "BatchMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchctl",
            dependencies: [
                "BatchCommandLine", "BatchEngine", "BatchConfig", "BatchStore", "BatchTransport", "BatchCore",
                "BatchMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchd-sim",
            dependencies: [
                "BatchCommandLine", "BatchSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchd-http-floor",
            dependencies: [
                "BatchCommandLine", "BatchTransport", "BatchCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BatchCoreTests", dependencies: ["BatchCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchPricesTests", dependencies: ["BatchPrices", "BatchCore"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchThreadsTests", dependencies: ["BatchThreads"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchStoreTests", dependencies: ["BatchStore", "BatchCore", "BatchTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchTransportTests",
            dependencies: [
                "BatchTransport", "BatchCore", "BatchTesting", "BatchSimulator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchConfigTests",
            dependencies: ["BatchConfig", "BatchCore", "BatchTransport", "BatchTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchEngineTests",
            dependencies: [
                "BatchEngine", "BatchConfig", "BatchCore", "BatchStore", "BatchTransport", "BatchTesting",
                "BatchSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchDaemonTests",
            dependencies: [
                "BatchDaemon", "BatchEngine", "BatchConfig", "BatchCore", "BatchStore", "BatchTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchMetricsTests",
            dependencies: [
                "BatchMetrics", "BatchEngine", "BatchCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchSimulatorTests",
            dependencies: [
                "BatchSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "BatchTesting", "BatchSimulator", "BatchCore", "BatchStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
