import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-process OpenAI / Azure OpenAI compatible HTTP server for tests and benchmarks.
///
/// ## Routes
/// `POST` `chat/completions`, `responses`, `completions`, `embeddings`, `moderations`,
/// `audio/transcriptions`, `audio/translations`, `audio/speech` (binary answer), `images/generations`,
/// `images/edits` (multipart) under `/v1/…` and `/openai/v1/…` (model from the
/// body) and `/openai/deployments/{deployment}/…?api-version=…` (model = deployment; `api-version`
/// required). `GET /_sim/stats` returns ``SimulatorStats`` as JSON. Every API answer carries a unique
/// `x-request-id` (and `apim-request-id` on Azure URLs). Answers are deterministic given the request,
/// apart from ids and timestamps. The model `no-quota` always gets a 429 `insufficient_quota`.
///
/// The Files and Batches API (`POST files`, `GET|DELETE files/{id}`, `GET files/{id}/content`,
/// `POST batches`, `GET batches`, `GET batches/{id}`, `POST batches/{id}/cancel`) is served under
/// `/v1/`, `/openai/v1/` and `/openai/…?api-version=…`, answering lines with the same code as
/// live requests (``BatchEndpoints``, ``BatchSimulation``); those requests are not rate limited,
/// faulted, held or counted in ``SimulatorStats``.
///
/// ## Order of checks
/// auth (401) → routing (404/405) → `api-version` (400) → body validation (400) → `no-quota` (429)
/// → fault (``FaultRates`` or `x-sim-fault`) → rate limit (429) → answer. Latency applies to every
/// answer except 429s, which are immediate.
///
/// ## Rate limits
/// Per deployment/model, two token buckets, charged on arrival:
/// - requests: rate `rpm / 60` per second, burst capacity `max(1, rpm / 60)`; each request costs 1;
/// - tokens: rate `tpm / 60` per second, burst capacity `max(request cost, tpm / 60)`; a request costs
///   `prompt characters / 4 (at least 1) + (max_tokens | max_completion_tokens |
///   max_output_tokens, default 0) × (n | 1)`; embeddings and moderations cost their input estimate,
///   audio and images cost 0.
///
/// Both buckets start full. A request is admitted only if both hold its cost (then both are charged);
/// otherwise neither is charged and it gets a 429 with `retry-after-ms` (time until both would hold the
/// cost, rounded up), `retry-after` (seconds, rounded up) and `x-ratelimit-remaining-*`.
/// So a client that starts requests at least `60 / rpm` seconds apart, with each request costing at
/// most `tpm / 60` tokens and at most `tpm / 60` tokens per second on average since its start, is
/// never limited.
///
/// ## Lifecycle
/// Runs on its own `MultiThreadedEventLoopGroup` with one thread per core; `start()` binds and returns
/// the port, `shutdown()` closes the listener and every open connection (including hung ones) and
/// stops the threads; call it before dropping the simulator. Safe to use from any task.
public final class Simulator: Sendable {
    private enum State {
        case idle
        case running(any Channel)
        case stopped
    }

    private let core: SimulatorCore
    private let group: MultiThreadedEventLoopGroup
    private let state = Locked(State.idle)

    /// Creates a simulator; nothing is bound until ``start()``.
    public init(configuration: SimulatorConfiguration) {
        core = SimulatorCore(configuration: configuration)
        group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
    }

    /// The configuration the simulator runs with.
    public var configuration: SimulatorConfiguration { core.configuration }

    /// A thread-safe snapshot of the counters.
    public var stats: SimulatorStats { core.snapshot }

    /// How many batches were created through the Batches API so far.
    public var batchesCreated: Int { core.batches.batchCount }

    /// How many files the Files API holds now (uploads, and ended batches' output and error files).
    public var filesHeld: Int { core.batches.fileCount }

    /// Each batch's id and whether a cancel request came for it.
    public var batchCancelRequested: [String: Bool] { core.batches.cancelRequested }

    /// Holds every API request after the first `count` the simulator received (its
    /// ``SimulatorStats/received`` number), from now on and until ``releaseHeld()``: the request is
    /// counted and its outcome decided as usual, but nothing is sent, so a client can be stopped
    /// at an exact point of its progress whatever the timing. `/_sim/…` requests are never held.
    public func holdRequests(after count: Int) {
        core.holdRequests(after: count)
    }

    /// Stops holding requests; each held one then gets the answer (after the latency) or fault
    /// decided when it arrived, if its connection is still open.
    public func releaseHeld() {
        core.releaseHeld()
    }

    /// The Entra ID side's counters (all zero without ``SimulatorConfiguration/entra``).
    public var identityStats: IdentityStats { core.identity?.issuer.snapshot ?? IdentityStats() }

    /// Expires every token issued so far: the next API request with one gets Azure's 401.
    public func expireTokens() {
        core.identity?.issuer.expireAll()
    }

    /// Logs the arrival time (`ContinuousClock`) of every API request from now on, for tests that
    /// check when a client stopped sending.
    public func recordArrivals() {
        core.recordArrivals()
    }

    /// The arrival times logged since ``recordArrivals()``, in order of arrival.
    public var arrivalTimes: [ContinuousClock.Instant] { core.arrivalTimes }

    /// How many requests are held now.
    public var heldCount: Int { core.heldCount }

    /// Returns once at least `count` requests are held (see ``holdRequests(after:)``): tests wait
    /// on this event rather than polling ``heldCount``.
    public func waitUntilHeld(_ count: Int) async {
        await core.waitUntilHeld(count)
    }

    /// How many TCP connections the simulator has accepted (to check that clients keep connections alive).
    public var connectionsAccepted: Int { core.connectionsAccepted }

    /// Binds to the configured host and port and starts serving. Returns the bound port
    /// (useful with port 0). Throws if already started or if binding fails.
    public func start() async throws -> Int {
        let core = self.core
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true)
                    try sync.addHandler(HTTPServerHandler(core: core))
                }
            }
        let configuration = core.configuration
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        let accepted = state.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .running(channel)
            return true
        }
        guard accepted else {
            try? await channel.close()
            throw SimulatorError.alreadyStarted
        }
        return channel.localAddress?.port ?? configuration.port
    }

    /// Stops listening, closes all connections and releases the threads. Safe to call more than once.
    public func shutdown() async throws {
        let previous = state.withLock { state -> State in
            let old = state
            state = .stopped
            return old
        }
        if case .stopped = previous { return }
        if case .running(let channel) = previous {
            try? await channel.close()
        }
        try await group.shutdownGracefully()
    }
}

/// Errors thrown by ``Simulator``.
public enum SimulatorError: Error, Sendable {
    /// ``Simulator/start()`` was called on a simulator that was already started or shut down.
    case alreadyStarted
}
