import BatchCore

/// The answer to `batchctl retry`'s request to queue lines again.
public enum RetryOutcome: Sendable, Equatable {
    /// The lines are pending again and the job queued; the errors file's swap is pending.
    case queued(JobRecord)
    /// A live process runs the job: retry once it has ended or paused.
    case running(pid: Int32)
    /// The job cannot be retried in its state (queued, or cancelled).
    case notRetryable(JobState)
    case notFound
}

extension QueueTransaction {
    /// The input lines of `job`'s failed requests and their final error codes.
    public func failedRequests(job id: Int64) throws -> [(line: Int, code: String)] {
        let statement = try connection.statement(
            "SELECT line, COALESCE(last_error, '') FROM requests WHERE job_id = ? AND state = 2 ORDER BY line"
        )
        try statement.bind(id)
        var found: [(line: Int, code: String)] = []
        while try statement.step() { found.append((statement.int(0), statement.string(1))) }
        return found
    }

    /// Whether `job`'s errors file swap (`batchctl retry`) is still to be finished.
    public func errorsSwapPending(job id: Int64) throws -> Bool {
        let statement = try connection.statement("SELECT errors_swap FROM jobs WHERE id = ?")
        try statement.bind(id)
        return try statement.step() && statement.int(0) == 1
    }

    /// Marks `job`'s errors file swap done.
    public func clearErrorsSwap(job id: Int64) throws {
        try connection.statement("UPDATE jobs SET errors_swap = 0 WHERE id = ?").bind(id).run()
    }

    /// Makes the failed requests on `lines` of `job` pending again (attempts from 0), takes them
    /// off its counters, records `errorsBytes` (the length of the errors file without their lines,
    /// written beside it and not yet renamed) with the swap pending, and queues the job.
    public func requeueForRetry(
        job id: Int64, lines: [Int], errorsBytes: Int64, now: Timestamp, isAlive: (Int32) -> Bool
    ) throws -> RetryOutcome {
        guard let job = try job(id) else { return .notFound }
        if let pid = liveOwner(job, now: now, isAlive: isAlive) { return .running(pid: pid) }
        guard job.state == .completed || job.state == .paused || job.state == .running else {
            return .notRetryable(job.state)
        }
        var changed = 0
        for line in lines {
            // The cached statement is reset each time it is fetched. A line a remote batch answered
            // leaves that batch (which has ended): pending again, it is free for a new one or live.
            try connection.statement(
                """
                UPDATE requests SET state = 0, attempts = 0, next_attempt_at = 0, last_error = NULL,
                    remote_batch = NULL
                WHERE job_id = ? AND line = ? AND state = 2
                """
            ).bind(id, line).run()
            changed += connection.changes
        }
        precondition(changed == lines.count, "retried lines must be failed requests of the job")
        try connection.statement(
            """
            UPDATE jobs SET failed = failed - ?, errors_bytes = ?, errors_swap = 1, finished_at = NULL
            WHERE id = ?
            """
        ).bind(lines.count, errorsBytes, id).run()
        try setState(job: id, .queued, now: now)
        return try .queued(existingJob(id))
    }
}

extension Store {
    /// The failed requests of `job`: input line and final error code.
    public func failedRequests(job id: Int64) async throws -> [(line: Int, code: String)] {
        try await reading { try $0.failedRequests(job: id).map { ($0.line, $0.code) } }
    }

    /// Queues the failed requests on `lines` of `job` again, in one transaction (see
    /// ``QueueTransaction/requeueForRetry(job:lines:errorsBytes:now:isAlive:)``).
    public func requeueForRetry(
        job id: Int64, lines: [Int], errorsBytes: Int64, now: Timestamp,
        isAlive: @escaping @Sendable (Int32) -> Bool
    ) async throws -> RetryOutcome {
        let lines = lines
        return try await writing {
            try $0.requeueForRetry(
                job: id, lines: lines, errorsBytes: errorsBytes, now: now, isAlive: isAlive)
        }
    }

    /// Whether `job`'s errors file swap is still to be finished.
    public func errorsSwapPending(job id: Int64) async throws -> Bool {
        try await reading { try $0.errorsSwapPending(job: id) }
    }

    /// Marks `job`'s errors file swap done.
    public func clearErrorsSwap(job id: Int64) async throws {
        try await writing { try $0.clearErrorsSwap(job: id) }
    }
}
