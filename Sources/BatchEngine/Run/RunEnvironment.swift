import BatchConfig
import BatchCore
import BatchStore
import BatchTransport
import Foundation
import Logging

/// What a job run needs from the outside world, injected so tests can replace each part: the
/// store, the settings, the transport, the clock and the source of randomness.
public struct RunEnvironment: Sendable {
    public var store: Store
    public var settings: Settings
    public var transport: any HTTPTransport
    public var clock: any BatchClock
    public var logger: Logger
    public var identity: RunOwner
    /// How long a claim on a job lasts without renewal; renewed every third of it.
    public var lease: Duration
    /// A number in `0 ..< 1` for backoff jitter.
    public var random: @Sendable () -> Double
    /// How long a graceful stop waits for requests in flight before cancelling them.
    public var drainTimeout: Duration
    /// The lanes every job run with this environment shares (their limits and fair shares).
    public var lanes: SharedLanes
    /// How often, and on which clock, a run reads its job's stop request (``StopPoll``).
    public var stopPoll = StopPoll.standard
    /// The process's metrics (``EngineMetrics``), fed by every run when they are served; `nil`: none.
    public var metrics: EngineMetrics?

    public init(
        store: Store, settings: Settings, transport: any HTTPTransport, clock: any BatchClock = SystemClock(),
        logger: Logger, identity: RunOwner = .current, lease: Duration = .seconds(30),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        drainTimeout: Duration = .seconds(60), lanes: SharedLanes = SharedLanes()
    ) {
        self.lanes = lanes
        self.store = store
        self.settings = settings
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.identity = identity
        self.lease = lease
        self.random = random
        self.drainTimeout = drainTimeout
    }
}

extension RunEnvironment {
    /// Extends this process's lease on `job`; throws when another process has taken the job over,
    /// so the run stops before it could send a request twice.
    func renewLease(job: Int64, now: Timestamp) async throws {
        let renewed = try await store.renewLease(job: job, by: identity, until: now.advanced(by: lease))
        if !renewed { throw Self.takenOver(job) }
    }

    /// ``renewLease(job:now:)`` on the calling thread, for the ingest thread.
    func renewLeaseBlocking(job: Int64, now: Timestamp) throws {
        let renewed = try store.renewLeaseBlocking(
            job: job, by: identity, until: now.advanced(by: lease))
        if !renewed { throw Self.takenOver(job) }
    }

    private static func takenOver(_ job: Int64) -> BatchdError {
        .database("job \(job) was taken over by another process; this run stops")
    }
}

extension RunOwner {
    /// This process, as the owner of the jobs it runs: its pid, and a token unique to this run of it.
    public static let current = RunOwner(
        pid: ProcessInfo.processInfo.processIdentifier, token: UUID().uuidString)

    /// Whether a process with this pid exists on this machine.
    public static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
