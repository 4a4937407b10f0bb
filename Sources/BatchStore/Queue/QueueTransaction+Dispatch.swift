import BatchCore

/// A request waiting to be sent, as the dispatcher loads it.
public struct PendingRequest: Sendable, Equatable {
    public var line: Int
    public var offset: Int64
    public var length: Int
    public var customID: String
    public var path: String
    public var model: String
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    /// The estimated token cost.
    public var cost: Int
    /// The line's hash recorded at ingest (``NewRequest/lineHash``), nil for requests ingested
    /// before line hashes were recorded.
    public var lineHash: UInt32?

    public init(
        line: Int, offset: Int64, length: Int, customID: String, path: String, model: String, attempts: Int,
        nextAttemptAt: Timestamp, cost: Int = 0, lineHash: UInt32? = nil
    ) {
        self.line = line
        self.offset = offset
        self.length = length
        self.customID = customID
        self.path = path
        self.model = model
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.cost = cost
        self.lineHash = lineHash
    }
}

/// Totals for one model of one job.
public struct ModelUsage: Sendable, Equatable {
    public var model: String
    public var requests: Int
    public var usage: TokenUsage

    public init(model: String, requests: Int, usage: TokenUsage) {
        self.model = model
        self.requests = requests
        self.usage = usage
    }
}

extension QueueTransaction {
    /// Pending requests of `job` after input line `afterLine`, in input order, at most `limit`;
    /// a line in a remote batch (`requests.remote_batch`) is not pending here: the batch has it.
    public func pendingRequests(job: Int64, afterLine: Int, limit: Int) throws -> [PendingRequest] {
        let statement = try connection.statement(
            """
            SELECT r.line, r.offset, r.length, r.custom_id, t.url, t.model, r.attempts, r.next_attempt_at, r.cost,
                r.line_hash
            FROM requests AS r CROSS JOIN request_targets AS t ON t.id = r.target_id
            WHERE r.job_id = ? AND r.state = 0 AND r.remote_batch IS NULL AND r.line > ? ORDER BY r.line LIMIT ?
            """)
        try statement.bind(job, afterLine, limit)
        var requests: [PendingRequest] = []
        requests.reserveCapacity(limit)
        while try statement.step() {
            requests.append(
                PendingRequest(
                    line: statement.int(0), offset: statement.int64(1), length: statement.int(2),
                    customID: statement.string(3), path: statement.string(4), model: statement.string(5),
                    attempts: statement.int(6), nextAttemptAt: Timestamp(milliseconds: statement.int64(7)),
                    cost: statement.int(8),
                    lineHash: statement.optionalInt64(9).map { UInt32(truncatingIfNeeded: $0) }))
        }
        return requests
    }

    /// The distinct models of `job`'s requests.
    public func models(job: Int64) throws -> [String] {
        let statement = try connection.statement(
            """
            SELECT DISTINCT t.model FROM request_targets AS t
            WHERE EXISTS (SELECT 1 FROM requests AS r WHERE r.job_id = ? AND r.target_id = t.id)
            """)
        try statement.bind(job)
        var models: [String] = []
        while try statement.step() { models.append(statement.string(0)) }
        return models
    }

    /// Marks a request recorded (its line is in an output file).
    public func recordOutcome(job: Int64, line: Int, state: RequestState, attempts: Int, lastError: String?)
        throws
    {
        try recordOutcomes(
            job: job, [RequestOutcome(line: line, state: state, attempts: attempts, lastError: lastError)])
    }

    /// Records a failed attempt that will be retried at `nextAttemptAt`.
    public func recordRetry(job: Int64, line: Int, attempts: Int, nextAttemptAt: Timestamp, lastError: String)
        throws
    {
        try connection.statement(
            "UPDATE requests SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE job_id = ? AND line = ?"
        ).bind(attempts, at: 1).bind(nextAttemptAt.milliseconds, at: 2).bind(lastError, at: 3).bind(
            job, at: 4
        )
        .bind(line, at: 5).run()
    }

    /// Adds to the job's counters and sets the committed output lengths.
    public func recordProgress(job: Int64, output: CommittedOutput, delta: JobCounts) throws {
        try connection.statement(
            """
            UPDATE jobs SET results_bytes = ?, errors_bytes = ?, succeeded = succeeded + ?, failed = failed + ?,
                attempts = attempts + ?, throttled = throttled + ?
            WHERE id = ?
            """
        ).bind(
            output.resultsBytes, output.errorsBytes, delta.succeeded, delta.failed, delta.attempts,
            delta.throttled,
            job
        ).run()
    }

    /// Adds one batch of answers' token usage for `model`.
    public func addUsage(job: Int64, model: String, requests: Int, usage: TokenUsage) throws {
        try addModelUsage(.usage, job: job, model: model, requests: requests, usage: usage)
    }

    /// Token usage of `job`, per model.
    public func usage(job: Int64) throws -> [ModelUsage] {
        try modelUsage(.usage, job: job)
    }

    /// The token cost estimated at ingest (what the lanes charged their tokens-per-minute budget),
    /// summed per model over the job's succeeded requests, to set beside the `usage` the answers
    /// reported.
    public func estimatedTokens(job: Int64) throws -> [String: Int] {
        let statement = try connection.statement(
            """
            SELECT t.model, SUM(r.cost) FROM requests r JOIN request_targets t ON t.id = r.target_id
            WHERE r.job_id = ? AND r.state = 1 GROUP BY t.model
            """)
        try statement.bind(job)
        var sums: [String: Int] = [:]
        while try statement.step() { sums[statement.string(0)] = statement.int(1) }
        return sums
    }
}
