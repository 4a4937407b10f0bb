import BatchCore

/// Jobs as `batchctl` and the daemon's queue service see them: submit, look up, list, queue again.
extension Store {
    /// The job with this id; throws ``BatchdError/jobNotFound(_:)`` when there is none.
    public func job(_ id: Int64) async throws -> JobRecord {
        try await reading { try $0.existingJob(id) }
    }

    /// The most recent jobs first, at most `limit`.
    public func jobs(limit: Int = 100) async throws -> [JobRecord] {
        try await reading { try $0.jobs(limit: limit) }
    }

    /// The newest job for `inputPath` (canonical), whatever its state.
    public func latestJob(forInput inputPath: String) async throws -> JobRecord? {
        try await reading { try $0.latestJob(forInput: inputPath) }
    }

    /// Jobs that can run (queued, or running under an owner), highest priority first, then oldest.
    public func runnableJobs(limit: Int) async throws -> [JobRecord] {
        try await reading { try $0.runnableJobs(limit: limit) }
    }

    /// How many jobs are queued or running (for a status line).
    public func runnableCount() async throws -> Int {
        try await reading { try $0.runnableJobs(limit: 100_000).count }
    }

    /// Adds `job`, queued, and returns it as stored.
    public func submit(_ job: NewJob) async throws -> JobRecord {
        try await writing { tx in try tx.existingJob(tx.insertJob(job)) }
    }

    /// Queues a paused job again (its reason cleared) and returns it; any other job is returned as it is.
    public func requeue(job id: Int64, now: Timestamp) async throws -> JobRecord {
        try await writing { tx in
            let job = try tx.existingJob(id)
            guard job.state == .paused else { return job }
            try tx.setState(job: id, .queued, now: now)
            return try tx.existingJob(id)
        }
    }

    /// Records the new modification time of `job`'s input, found unchanged under it (its size and
    /// whole-file hash `hash` are the recorded ones: a `touch`, a copy that lost its times), so that
    /// the next check of the file is a `stat` again. Changes nothing when the job's recorded hash is
    /// not `hash`. Returns the job as stored.
    public func recordInputTouched(job id: Int64, modificationNanoseconds: Int64, hash: UInt64) async throws
        -> JobRecord
    {
        try await writing { tx in
            try tx.recordInputTime(job: id, modificationNanoseconds: modificationNanoseconds, ifHash: hash)
            return try tx.existingJob(id)
        }
    }

    /// Queues a paused job again, clearing its reason (`batchctl resume`).
    public func resume(job id: Int64, now: Timestamp) async throws -> ResumeOutcome {
        try await writing { try $0.resume(job: id, now: now) }
    }
}

extension QueueTransaction {
    /// The job with this id, which must exist (the caller got the id from the store).
    func existingJob(_ id: Int64) throws -> JobRecord {
        guard let job = try job(id) else { throw BatchdError.jobNotFound(id) }
        return job
    }
}
