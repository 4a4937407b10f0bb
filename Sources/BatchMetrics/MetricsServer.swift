import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The HTTP server of `/metrics` (``MetricsHTTPHandler``), on SwiftNIO as the simulator is: a
/// hundred lines over packages batchd already builds, where Hummingbird would add minutes to a
/// clean build for one route.
public final class MetricsServer: Sendable {
    private let address: MetricsAddress
    private let exposition: @Sendable () async -> [UInt8]
    private let channel = Mutex<(any Channel)?>(nil)

    public init(address: MetricsAddress, exposition: @escaping @Sendable () async -> [UInt8]) {
        self.address = address
        self.exposition = exposition
    }

    /// Binds and starts serving; returns the bound port (the one picked, with port 0).
    public func start() async throws -> Int {
        let exposition = exposition
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true)
                    try sync.addHandler(MetricsHTTPHandler(exposition: exposition))
                }
            }
        let bound = try await bootstrap.bind(host: address.host, port: address.port).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? address.port
    }

    /// Stops listening. Safe to call more than once.
    public func stop() async {
        let bound = channel.withLock { channel -> (any Channel)? in
            defer { channel = nil }
            return channel
        }
        try? await bound?.close()
    }
}
