import BatchCore

/// What `batchctl watch` reads each interval: cheap reads of a job's row and its usage rows, which
/// never take the write lock (WAL), so a watcher does not slow the process that runs the job.
extension Store {
    /// `job` and the token usage its answers reported, per model, in one read.
    public func progress(job id: Int64) async throws -> (job: JobRecord, usage: [ModelUsage]) {
        try await reading { tx in (try tx.existingJob(id), try tx.usage(job: id)) }
    }
}
