import BatchCore

/// Forgetting jobs (`batchctl rm`, `clean`) and finding them (`list --state --since`). Never
/// touches a job's files: inputs, results, errors, reports and saved answers stay where they are.
extension Store {
    /// Jobs newest first, at most `limit`, filtered by state and creation time.
    public func jobs(limit: Int, states: Set<JobState>?, since: Timestamp?) async throws -> [JobRecord] {
        try await reading { try $0.jobs(limit: limit, states: states, since: since) }
    }

    /// Forgets `job` unless a live process runs it.
    public func forget(job id: Int64, now: Timestamp, isAlive: @escaping @Sendable (Int32) -> Bool)
        async throws
        -> ForgetOutcome
    {
        try await writing { try $0.forget(job: id, now: now, isAlive: isAlive) }
    }

    /// The ended jobs that finished before `cutoff` (what `clean --finished` would forget).
    public func finishedJobs(before cutoff: Timestamp) async throws -> [JobRecord] {
        try await reading { try $0.finishedJobs(before: cutoff) }
    }

    /// Forgets the ended jobs among `ids` that finished before `cutoff`, in one transaction;
    /// returns those forgotten (a job resumed or changed meanwhile is left).
    public func forgetFinished(_ ids: [Int64], before cutoff: Timestamp) async throws -> [JobRecord] {
        try await writing { tx in
            let wanted = Set(ids)
            let jobs = try tx.finishedJobs(before: cutoff).filter { wanted.contains($0.id) }
            for job in jobs { try tx.deleteJob(job.id) }
            return jobs
        }
    }
}
