import BatchCore

/// How a job's answered lines split between the live API and the provider's Batch API.
public struct TierLines: Sendable, Equatable {
    /// Lines answered (succeeded or failed) by a live request.
    public var live: Int
    /// Lines answered through a remote batch (its output or error file, or a validation error).
    public var batch: Int

    public init(live: Int = 0, batch: Int = 0) {
        self.live = live
        self.batch = batch
    }
}

extension QueueTransaction {
    /// Adds one batch of Batch-API answers' token usage for `model` (the batch subset of `job_usage`).
    public func addBatchUsage(job: Int64, model: String, requests: Int, usage: TokenUsage) throws {
        try connection.statement(
            """
            INSERT INTO job_batch_usage (job_id, model, requests, prompt_tokens, completion_tokens, total_tokens)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (job_id, model) DO UPDATE SET requests = requests + excluded.requests,
                prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                completion_tokens = completion_tokens + excluded.completion_tokens,
                total_tokens = total_tokens + excluded.total_tokens
            """
        ).bind(job, model, requests, usage.promptTokens, usage.completionTokens, usage.totalTokens).run()
    }

    /// Token usage of `job`'s Batch-API answers, per model.
    public func batchUsage(job: Int64) throws -> [ModelUsage] {
        let statement = try connection.statement(
            """
            SELECT model, requests, prompt_tokens, completion_tokens, total_tokens FROM job_batch_usage
            WHERE job_id = ? ORDER BY model
            """)
        try statement.bind(job)
        var rows: [ModelUsage] = []
        while try statement.step() {
            rows.append(
                ModelUsage(
                    model: statement.string(0), requests: statement.int(1),
                    usage: TokenUsage(
                        promptTokens: statement.int(2), completionTokens: statement.int(3),
                        totalTokens: statement.int(4))))
        }
        return rows
    }

    /// How `job`'s done lines were answered: a done line that is still tied to a remote batch got
    /// its answer from that batch (lines a batch did not answer are released from it, see
    /// ``releaseRemoteBatchLines(job:batch:)``, and a cancelled job's lines count as neither way).
    public func tierLines(job: Int64) throws -> TierLines {
        let statement = try connection.statement(
            """
            SELECT
                COALESCE(SUM(CASE WHEN remote_batch IS NULL THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN remote_batch IS NOT NULL THEN 1 ELSE 0 END), 0)
            FROM requests WHERE job_id = ? AND state IN (1, 2) AND (last_error IS NULL OR last_error <> 'cancelled')
            """)
        try statement.bind(job)
        _ = try statement.step()
        return TierLines(live: statement.int(0), batch: statement.int(1))
    }
}
