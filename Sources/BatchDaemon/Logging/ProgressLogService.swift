import BatchCore
import BatchEngine
import Logging
import ServiceLifecycle
import Synchronization

/// Logs one ``ProgressLine`` per running job every `interval` (30 s) at `info`, so that
/// `journalctl -u batchd` shows progress; the latest lines are kept for systemd's `STATUS=`.
/// Sleeps on the injected clock; ends at graceful shutdown.
public final class ProgressLogService: Service, Sendable {
    public let interval: Duration
    private let clock: any BatchClock
    private let logger: Logger
    private let running: @Sendable () -> [JobRunner]
    private let lines = Mutex<[ProgressLine]>([])

    public init(
        interval: Duration = .seconds(30), clock: any BatchClock = SystemClock(), logger: Logger,
        running: @escaping @Sendable () -> [JobRunner]
    ) {
        self.interval = interval
        self.clock = clock
        self.logger = logger
        self.running = running
    }

    /// The lines of the last look, by job id.
    public var latest: [ProgressLine] { lines.withLock { $0 } }

    public func run() async throws {
        var previous: [Int64: (counts: JobCounts, at: Timestamp)] = [:]
        while !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.interval) }
            } catch {
                return
            }
            let now = clock.now
            var next: [Int64: (counts: JobCounts, at: Timestamp)] = [:]
            var looked: [ProgressLine] = []
            for runner in running().sorted(by: { $0.jobID < $1.jobID }) {
                let snapshot = runner.progress.snapshot
                guard snapshot.phase == .sending || snapshot.phase == .draining else { continue }
                let line = ProgressLine(
                    job: runner.jobID, previous: previous[runner.jobID], current: snapshot.counts, now: now)
                looked.append(line)
                next[runner.jobID] = (snapshot.counts, now)
                logger.info(
                    "\(line.text)",
                    metadata: [
                        "job": "\(line.job)", "done": "\(line.done)", "total": "\(line.total)",
                        "throttled": "\(line.throttled)",
                    ])
            }
            previous = next
            lines.withLock { $0 = looked }
        }
    }
}
