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
        try addModelUsage(.batch, job: job, model: model, requests: requests, usage: usage)
    }

    /// Token usage of `job`'s Batch-API answers, per model.
    public func batchUsage(job: Int64) throws -> [ModelUsage] {
        try modelUsage(.batch, job: job)
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
