import ArgumentParser
import BatchCommandLine
import BatchConfig
import BatchCore
import BatchDaemon
import BatchEngine
import BatchMetrics
import BatchStore
import BatchTransport
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `batchd`: the daemon. Runs every job queued in the database until SIGTERM.
struct Batchd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchd",
        abstract: "Run the jobs queued in the batchd database (see `batchctl submit`).",
        discussion: """
            On SIGTERM or SIGINT batchd stops starting requests, waits up to --drain-timeout for those \
            in flight, records them, puts unfinished jobs back in the queue and exits 0.

            With --watch (or a "watch" section in the config file) every *.jsonl put in a watched folder \
            becomes a job, its outputs beside it. Under systemd (Type=notify) it reports READY=1, \
            STATUS=, WATCHDOG=1 and STOPPING=1 on $NOTIFY_SOCKET.
            """)

    @Option(
        help: "The SQLite database (default: $BATCHD_DATABASE, else $XDG_STATE_HOME/batchd/batchd.sqlite).")
    var database: String?

    @Option(
        help:
            "The JSON configuration file (default: $BATCHD_CONFIG, else $XDG_CONFIG_HOME/batchd/config.json)."
    )
    var config: String?

    @Option(help: "Seconds between looks at the queue.")
    var pollInterval: Double = 1

    @Option(
        help:
            "Jobs run at once. Jobs on the same deployment share its lane (limits and concurrency) in turns weighted by priority."
    )
    var maxJobs: Int = 16

    @Option(
        help:
            "Connections per host in the HTTP client's pool, shared by all lanes on that host (default: room for four lanes at the default concurrency)."
    )
    var connections: Int = 4 * Settings.defaultConcurrency

    @Option(help: "Seconds a graceful stop waits for requests in flight before abandoning them.")
    var drainTimeout: Double = 60

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log format: text (journald-aware) or json (one object per line, for log shippers).")
    var logFormat: LogFormat = .text

    @Option(help: "A drop folder to watch: each *.jsonl put in it becomes a job (repeatable).")
    var watch: [String] = []

    @Option(help: "Seconds a file written in place must stay unchanged before it is taken (default 5).")
    var quietPeriod: Double?

    @Option(
        help:
            "Serve Prometheus metrics at http://HOST:PORT/metrics; PORT alone listens on 127.0.0.1 (loopback unless a host is named, e.g. 0.0.0.0:9464)."
    )
    var metricsAddress: String?

    func validate() throws {
        if let metricsAddress, MetricsAddress(parsing: metricsAddress) == nil {
            throw ValidationError("--metrics-address must be HOST:PORT or PORT, not '\(metricsAddress)'")
        }
        if pollInterval <= 0 { throw ValidationError("--poll-interval must be positive") }
        if maxJobs < 1 { throw ValidationError("--max-jobs must be at least 1") }
        if connections < 1 { throw ValidationError("--connections must be at least 1") }
        if drainTimeout < 0 { throw ValidationError("--drain-timeout must not be negative") }
        if let quietPeriod, quietPeriod < 0 { throw ValidationError("--quiet-period must not be negative") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = logLevel
        let format = logFormat
        let journald = environment["JOURNAL_STREAM"] != nil
        var logger = Logger(label: "batchd") { LineLogHandler(label: $0, format: format, journald: journald) }
        logger.logLevel = level
        let settings: Settings
        let store: Store
        do {
            settings = try Settings.load(configPath: config, environment: environment)
            store = try Store(path: Paths.database(explicit: database, environment: environment))
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(3)
        }
        let transport = AsyncHTTPTransport(connectionsPerHost: connections)
        var runEnvironment = RunEnvironment(
            store: store, settings: settings, transport: transport, logger: logger,
            drainTimeout: .milliseconds(Int64(drainTimeout * 1000)))
        let metrics = metricsAddress.flatMap(MetricsAddress.init(parsing:)).map { ($0, MetricsRegistry()) }
        let engineMetrics = metrics?.1.engineMetrics(prices: settings.prices)
        runEnvironment.metrics = engineMetrics
        let service = JobQueueService(
            environment: runEnvironment,
            pollInterval: .milliseconds(Int64(pollInterval * 1000)), maximumConcurrentJobs: maxJobs)
        var services = daemonServices(
            queue: service, settings: settings, store: store, logger: logger, environment: environment)
        if let (address, registry) = metrics, let engineMetrics {
            let server = registry.server(at: address, engine: engineMetrics, environment: runEnvironment) {
                service.runningJobs
            }
            // First in start order: listening before the queue runs jobs, stopped last.
            services.insert(MetricsService(server: server, address: address, logger: logger), at: 0)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("batchd started", metadata: ["database": "\(store.path)", "pid": "\(getpid())"])
        do {
            try await group.run()
        } catch {
            logger.error("batchd stopped on an error", metadata: ["error": "\(error)"])
        }
        try? await transport.shutdown()
        logger.info("batchd stopped")
    }
}

extension LogFormat: ExpressibleByArgument {}
