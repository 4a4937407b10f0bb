import BatchCore
import BatchEngine
import BatchStore
import BatchThreads
import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's main service: polls the database for runnable jobs and runs them, several at once.
///
/// On graceful shutdown (SIGTERM) it stops claiming jobs and asks every running job to drain:
/// no new request starts, those in flight are awaited and recorded, and the jobs go back to
/// `queued`. Cancellation is the backstop: requests still in flight are then abandoned unrecorded
/// and will be sent again by the next run.
public final class JobQueueService: Service {
    public let environment: RunEnvironment
    public let pollInterval: Duration
    public let maximumConcurrentJobs: Int
    private let active = Mutex<[Int64: JobRunner]>([:])
    private let shuttingDown = Mutex(false)

    public init(
        environment: RunEnvironment, pollInterval: Duration = .seconds(1), maximumConcurrentJobs: Int = 16
    ) {
        self.environment = environment
        self.pollInterval = pollInterval
        self.maximumConcurrentJobs = max(1, maximumConcurrentJobs)
    }

    /// The runners of the jobs running now, for status reporting.
    public var runningJobs: [JobRunner] {
        active.withLock { Array($0.values) }
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                while !shuttingDown.withLock({ $0 }) && !Task.isCancelled {
                    for runner in try await claimable() {
                        group.addTask { await self.execute(runner) }
                    }
                    let clock = environment.clock
                    let interval = pollInterval
                    try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
                }
            }
        } onGracefulShutdown: {
            self.shuttingDown.withLock { $0 = true }
            for runner in self.runningJobs { runner.drain() }
        }
    }

    /// New runners for runnable jobs not running here yet, up to the concurrency limit.
    private func claimable() async throws -> [JobRunner] {
        let env = environment
        let candidates = try await env.store.runnableJobs(limit: 64)
        let now = env.clock.now  // after the read, which may have waited
        return active.withLock { active in
            var started: [JobRunner] = []
            for job in candidates where active[job.id] == nil && active.count < maximumConcurrentJobs {
                if let owner = job.owner, owner.token != env.identity.token, owner.leaseUntil > now,
                    RunOwner.isAlive(owner.pid)
                {
                    continue
                }
                let runner = JobRunner(jobID: job.id, environment: env)
                active[job.id] = runner
                started.append(runner)
            }
            return started
        }
    }

    private func execute(_ runner: JobRunner) async {
        if shuttingDown.withLock({ $0 }) { runner.drain() }
        do {
            _ = try await runner.run()
        } catch let error as BatchdError where error.code == .jobBusy {
            // Another daemon claimed it between our look at the queue and our claim.
            environment.logger.debug("job claimed elsewhere", metadata: ["job": "\(runner.jobID)"])
        } catch {
            environment.logger.error(
                "job run failed", metadata: ["job": "\(runner.jobID)", "error": "\(error)"])
        }
        _ = active.withLock { $0.removeValue(forKey: runner.jobID) }
    }
}
