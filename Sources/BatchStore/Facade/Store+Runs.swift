import BatchCore

/// The process that runs a job: who it is, for claims and the transactions only an owner may make.
public struct RunOwner: Sendable, Equatable {
    public var pid: Int32
    /// Unique per process run, so a reused pid is not mistaken for the owner.
    public var token: String

    public init(pid: Int32, token: String) {
        self.pid = pid
        self.token = token
    }
}

/// What a run reads to write a completed job's report.
public struct JobUsageSummary: Sendable, Equatable {
    public var job: JobRecord
    /// Token usage the answers reported, per model.
    public var usage: [ModelUsage]
    /// The token cost estimated at ingest, per model, over the succeeded requests.
    public var estimated: [String: Int]
    /// The part of ``usage`` answered through the provider's Batch API, per model.
    public var batchUsage: [ModelUsage] = []
    /// How many done lines were answered each way.
    public var lines = TierLines()
}

/// One run of a job, from its claim to its end: each method is one transaction.
///
/// Recovery rules these keep (see also ``QueueTransaction/claim(job:pid:token:now:lease:isAlive:)``):
/// a job whose owner died or whose lease expired is taken over at once; a run that lost its claim
/// changes nothing when it ends (its end methods move the job only while it still owns it).
extension Store {
    /// Claims `job` for `owner` until `now + lease`.
    public func claim(
        job id: Int64, by owner: RunOwner, now: Timestamp, lease: Duration,
        isAlive: @escaping @Sendable (Int32) -> Bool
    ) async throws -> ClaimOutcome {
        try await writing { tx in
            try tx.claim(
                job: id, pid: owner.pid, token: owner.token, now: now, lease: lease, isAlive: isAlive)
        }
    }

    /// Extends `owner`'s lease on `job` to `until`. Returns `false` when it no longer owns the job.
    public func renewLease(job id: Int64, by owner: RunOwner, until: Timestamp) async throws -> Bool {
        try await writing { try $0.renewLease(job: id, token: owner.token, until: until) }
    }

    /// ``renewLease(job:by:until:)`` on the calling thread, for the ingest thread.
    public func renewLeaseBlocking(job id: Int64, by owner: RunOwner, until: Timestamp) throws -> Bool {
        try write { try $0.renewLease(job: id, token: owner.token, until: until) }
    }

    /// Pending requests of `job` after input line `line`, in input order, at most `limit`.
    public func pendingPage(job id: Int64, after line: Int, limit: Int) async throws -> [PendingRequest] {
        try await reading { try $0.pendingRequests(job: id, afterLine: line, limit: limit) }
    }

    /// What the report of `job` needs: the job, its usage and its estimated tokens.
    public func usageSummary(job id: Int64) async throws -> JobUsageSummary {
        try await reading { tx in
            JobUsageSummary(
                job: try tx.existingJob(id), usage: try tx.usage(job: id),
                estimated: try tx.estimatedTokens(job: id), batchUsage: try tx.batchUsage(job: id),
                lines: try tx.tierLines(job: id))
        }
    }

    /// Ends `owner`'s run of `job`: adds `runTime` to its running time and, if `owner` still owns it,
    /// pauses it with `reason` (its code and message, shown by `batchctl status`). Returns the job.
    public func pause(
        job id: Int64, by owner: RunOwner, reason: BatchdError, runTime: Duration, now: Timestamp
    ) async throws -> JobRecord {
        try await endRun(job: id, by: owner, state: .paused, reason: reason, runTime: runTime, now: now)
    }

    /// Ends `owner`'s run of `job` after a graceful stop: queued again with its progress kept.
    public func requeueDrained(job id: Int64, by owner: RunOwner, runTime: Duration, now: Timestamp)
        async throws -> JobRecord
    {
        try await endRun(job: id, by: owner, state: .queued, reason: nil, runTime: runTime, now: now)
    }

    /// Ends `owner`'s run of `job`, every request recorded: the job is completed.
    public func complete(job id: Int64, by owner: RunOwner, runTime: Duration, now: Timestamp) async throws
        -> JobRecord
    {
        try await endRun(job: id, by: owner, state: .completed, reason: nil, runTime: runTime, now: now)
    }

    /// Adds `runTime` to `job`'s running time (a run that ends on an error it cannot record).
    public func addRunTime(job id: Int64, _ runTime: Duration) async throws {
        try await writing { try $0.addRunTime(job: id, milliseconds: runTime.wholeMillisecondsRoundedUp) }
    }

    private func endRun(
        job id: Int64, by owner: RunOwner, state: JobState, reason: BatchdError?, runTime: Duration,
        now: Timestamp
    ) async throws -> JobRecord {
        try await writing { tx in
            try tx.addRunTime(job: id, milliseconds: runTime.wholeMillisecondsRoundedUp)
            try tx.release(
                job: id, token: owner.token, state: state, code: reason?.code, reason: reason?.message,
                now: now)
            return try tx.existingJob(id)
        }
    }
}
