// swift-tools-version: 6.0
import PackageDescription

/// One set of compiler settings for every target: Swift 6 language mode everywhere.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
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
    ],
    targets: [
        // The system SQLite library (Debian: libsqlite3-dev).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The domain: no I/O.
        .target(
            name: "BatchCore",
            swiftSettings: swiftSettings
        ),
        // Durable queue on SQLite.
        .target(
            name: "BatchStore",
            dependencies: ["CSQLite", "BatchCore"],
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
            ],
            swiftSettings: swiftSettings
        ),
        // The running parts: ingest, dispatch, output writing, the daemon's services.
        .target(
            name: "BatchEngine",
            dependencies: [
                "BatchCore", "BatchStore", "BatchTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
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
            ],
            swiftSettings: swiftSettings
        ),
        // Fakes and helpers shared by the tests.
        .target(
            name: "BatchTesting",
            dependencies: ["BatchCore", "BatchStore", "BatchTransport", "BatchEngine"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchd",
            dependencies: [
                "BatchEngine",
                "BatchStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchctl",
            dependencies: [
                "BatchEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchd-sim",
            dependencies: [
                "BatchSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batchd-http-floor",
            dependencies: [
                "BatchTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BatchCoreTests", dependencies: ["BatchCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchStoreTests", dependencies: ["BatchStore", "BatchTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchTransportTests",
            dependencies: ["BatchTransport", "BatchTesting", "BatchSimulator"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchEngineTests",
            dependencies: ["BatchEngine", "BatchTesting", "BatchSimulator"],
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
            dependencies: ["BatchTesting", "BatchSimulator"],
            swiftSettings: swiftSettings
        ),
    ]
)
