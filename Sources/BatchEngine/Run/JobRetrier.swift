import BatchCore
import BatchStore

/// `batchctl retry`: queues again the requests of a job whose final failure a retry could fix,
/// taking their error lines out of the errors file crash-safely (``ErrorsSwap``). Whoever runs the
/// job next (the daemon, `batchctl run` on its file) sends them; their new outcomes are appended.
public struct JobRetrier: Sendable {
    public var store: Store
    public var clock: any BatchClock

    public init(store: Store, clock: any BatchClock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    public enum Outcome: Sendable, Equatable {
        /// `lines` requests are pending again; the job is queued.
        case queued(JobRecord, lines: Int)
        /// No failure of the job matches the selection.
        case nothingToRetry(JobRecord)
        case running(pid: Int32)
        case notRetryable(JobState)
    }

    public func retry(job id: Int64, selection: RetrySelection) async throws -> Outcome {
        let job = try await store.job(id)
        guard job.state == .completed || job.state == .paused || job.state == .running else {
            return .notRetryable(job.state)
        }
        let errorsPath = OutputFiles(input: job.inputPath).errors
        // A swap a crash left halfway is finished first: the recorded length is the copy's.
        try await ErrorsSwap.finish(job: id, store: store, errorsPath: errorsPath)
        let current = try await store.job(id)
        let lines = try await store.failedRequests(job: id).filter { selection.matches($0.code) }.map(\.line)
        guard !lines.isEmpty else { return .nothingToRetry(current) }
        let (bytes, removed) = try ErrorsSwap.writeCopy(
            errorsPath: errorsPath, committedBytes: current.committedOutput.errorsBytes, without: Set(lines))
        guard removed == lines.count else {
            throw BatchdError.outputUnwritable(
                errorsPath,
                reason:
                    "it holds \(removed) of the \(lines.count) error lines of the requests to retry; nothing was changed"
            )
        }
        switch try await store.requeueForRetry(
            job: id, lines: lines, errorsBytes: bytes, now: clock.now, isAlive: RunOwner.isAlive)
        {
        case .queued(let record):
            try await ErrorsSwap.finish(job: id, store: store, errorsPath: errorsPath)
            return .queued(record, lines: lines.count)
        case .running(let pid): return .running(pid: pid)
        case .notRetryable(let state): return .notRetryable(state)
        case .notFound: throw BatchdError.jobNotFound(id)
        }
    }
}
