import BatchConfig
import BatchCore
import BatchStore
import Logging

/// `batchctl pause` and `batchctl cancel` reaching the process that runs a job, whichever it is
/// (the daemon, a `batchctl run` in another terminal): the request is on the job's row, and the
/// run polls it.
///
/// Guarantees: a request recorded while the run goes on is seen within ``StopPoll/interval``
/// (plus one read of the row); the run then starts no new request, awaits and records those in
/// flight (as a graceful stop does, up to the drain timeout), and ends paused (`paused_by_user`)
/// or cancelled (every line without an outcome given a `cancelled` error line, the report
/// written). A request recorded before the run claimed the job is seen before anything is sent.
extension JobRunner {
    /// Polls the job's stop request until the task is cancelled; hands each new one to the run.
    func watchStopRequests() async {
        let env = environment
        while !Task.isCancelled {
            if let request = try? await env.store.stopRequest(job: jobID) { stop(for: request) }
            do {
                try await env.stopPoll.clock.sleep(for: env.stopPoll.interval)
            } catch {
                return
            }
        }
    }

    /// Ends a run a user stopped: paused, or cancelled with its report written.
    func endUserStop(_ request: StopRequest, runTime: Duration, logger: Logger) async throws -> JobRunOutcome
    {
        let env = environment
        switch request {
        case .pause:
            let job = try await env.store.endPausedByUser(
                job: jobID, by: env.identity, runTime: runTime, now: env.clock.now)
            logger.notice("job paused by the user")
            return .paused(job)
        case .cancel:
            let job = try await Self.writeCancelledReport(
                store: env.store, prices: env.settings.prices, job: jobID, now: env.clock.now)
            let ended = try await env.store.endCancelled(
                job: jobID, by: env.identity, runTime: runTime, now: job.finishedAt ?? env.clock.now)
            progress.update {
                $0.counts = ended.counts
                $0.phase = .finished
            }
            logger.notice("job cancelled by the user", metadata: ["cancelled": "\(ended.counts.pending)"])
            return .cancelled(ended)
        }
    }

    /// Writes the report of `job` as cancelled (before its state says so, as for a completed job).
    static func writeCancelledReport(store: Store, prices: PriceTable, job id: Int64, now: Timestamp)
        async throws -> JobRecord
    {
        let summary = try await store.usageSummary(job: id)
        var job = summary.job
        job.state = .cancelled
        job.finishedAt = now
        try await JobReport.writeFinal(job: job, summary: summary, store: store, prices: prices)
        return job
    }
}

/// How a run polls its job's stop request: every `interval` on `clock`. The poll watches another
/// process's writes, so it runs on wall-clock time (``SystemClock``) even when a test drives the
/// run's own schedule with a manual clock; tests of the poll itself inject one.
public struct StopPoll: Sendable {
    public var interval: Duration
    public var clock: any BatchClock

    public init(interval: Duration, clock: any BatchClock) {
        self.interval = interval
        self.clock = clock
    }

    /// Every 250 ms of wall-clock time.
    public static let standard = StopPoll(interval: .milliseconds(250), clock: SystemClock())
}
