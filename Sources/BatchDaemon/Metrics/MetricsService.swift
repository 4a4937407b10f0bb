import BatchMetrics
import Logging
import ServiceLifecycle

/// Serves `/metrics` for the daemon's lifetime (``MetricsServer``): listens before the queue
/// runs jobs, stops listening at graceful shutdown. A port that cannot be bound stops the daemon
/// (an operator who asked for metrics is told at once, not by a missing scrape target).
public struct MetricsService: Service {
    public let server: MetricsServer
    public let address: MetricsAddress
    public let logger: Logger

    public init(server: MetricsServer, address: MetricsAddress, logger: Logger) {
        self.server = server
        self.address = address
        self.logger = logger
    }

    public func run() async throws {
        let port = try await server.start()
        logger.info(
            "metrics served",
            metadata: ["address": "http://\(MetricsAddress(host: address.host, port: port))/metrics"])
        if !address.isLoopback {
            logger.notice("metrics are reachable from the network", metadata: ["host": "\(address.host)"])
        }
        try? await gracefulShutdown()
        await server.stop()
    }
}
