import BatchCore

/// The answer to `batchctl rm`.
public enum ForgetOutcome: Sendable, Equatable {
    /// The job, its requests and its usage are gone from the database (its files stay).
    case forgotten(JobRecord)
    /// A live process runs the job: pause or cancel it first.
    case running(pid: Int32)
    case notFound
}

extension QueueTransaction {
    /// Jobs newest first, at most `limit`, in one of `states` (any when `nil`) and created at or
    /// after `since` (any when `nil`).
    public func jobs(limit: Int, states: Set<JobState>?, since: Timestamp?) throws -> [JobRecord] {
        let stateList = (states ?? Set(JobState.allCases)).map { "'\($0.rawValue)'" }.sorted().joined(
            separator: ", ")
        let statement = try connection.statement(
            """
            SELECT \(Self.jobColumns) FROM jobs WHERE state IN (\(stateList)) AND created_at >= ?
            ORDER BY id DESC LIMIT ?
            """)
        try statement.bind(since?.milliseconds ?? Int64.min, limit)
        var jobs: [JobRecord] = []
        while try statement.step() { jobs.append(Self.decodeJob(statement)) }
        return jobs
    }

    /// Deletes `job` with its requests and usage (foreign keys cascade), unless a live process
    /// runs it.
    public func forget(job id: Int64, now: Timestamp, isAlive: (Int32) -> Bool) throws -> ForgetOutcome {
        guard let job = try job(id) else { return .notFound }
        if let pid = liveOwner(job, now: now, isAlive: isAlive) { return .running(pid: pid) }
        try deleteJob(id)
        return .forgotten(job)
    }

    /// Deletes a job's row; its requests and usage go with it (`ON DELETE CASCADE`).
    func deleteJob(_ id: Int64) throws {
        try connection.statement("DELETE FROM jobs WHERE id = ?").bind(id).run()
    }

    /// The ended jobs (completed, failed, cancelled) that finished before `cutoff`, oldest first.
    public func finishedJobs(before cutoff: Timestamp) throws -> [JobRecord] {
        let statement = try connection.statement(
            """
            SELECT \(Self.jobColumns) FROM jobs
            WHERE state IN ('completed', 'failed', 'cancelled') AND COALESCE(finished_at, created_at) < ?
            ORDER BY id
            """)
        try statement.bind(cutoff.milliseconds)
        var jobs: [JobRecord] = []
        while try statement.step() { jobs.append(Self.decodeJob(statement)) }
        return jobs
    }
}
