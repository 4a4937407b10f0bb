import BatchCore

/// What a user asks of a job from another process (`batchctl pause`, `cancel`), and how the
/// process running it answers. Each method is one transaction.
///
/// How a stop reaches a running job: the request is a column of the job's row; the process that
/// runs the job reads it (``stopRequest(job:)``) every quarter of a second, starts no new request,
/// awaits and records those in flight, and ends its run with ``endPausedByUser(job:by:runTime:now:)``
/// or ``endCancelled(job:by:runTime:now:)``, which clear the request.
extension Store {
    /// Pauses `job` (`batchctl pause`): at once if no live process runs it, else by asking it to.
    public func pauseByUser(job id: Int64, now: Timestamp, isAlive: @escaping @Sendable (Int32) -> Bool)
        async throws -> PauseOutcome
    {
        try await writing { try $0.pauseByUser(job: id, now: now, isAlive: isAlive) }
    }

    /// Records a cancel of `job` (`batchctl cancel`).
    public func cancelByUser(job id: Int64, now: Timestamp, isAlive: @escaping @Sendable (Int32) -> Bool)
        async throws -> CancelOutcome
    {
        try await writing { try $0.cancelByUser(job: id, now: now, isAlive: isAlive) }
    }

    /// The stop a user asked of `job`, if any: the cheap read a running job polls.
    public func stopRequest(job id: Int64) async throws -> StopRequest? {
        try await reading { try $0.stopRequest(job: id) }
    }

    /// Claims `job` to finish a cancel no live process will act on.
    public func claimForCancel(
        job id: Int64, by owner: RunOwner, now: Timestamp, lease: Duration,
        isAlive: @escaping @Sendable (Int32) -> Bool
    ) async throws -> ClaimOutcome {
        try await writing { tx in
            try tx.claimForCancel(
                job: id, pid: owner.pid, token: owner.token, now: now, lease: lease, isAlive: isAlive)
        }
    }

    /// Ends `owner`'s run of `job` after a user's pause: paused (`paused_by_user`), request cleared.
    public func endPausedByUser(job id: Int64, by owner: RunOwner, runTime: Duration, now: Timestamp)
        async throws -> JobRecord
    {
        try await endStopped(
            job: id, by: owner, state: .paused, reason: .pausedByUser(id), runTime: runTime, now: now)
    }

    /// Ends `owner`'s run of `job` after a user's cancel, every line recorded: cancelled, request cleared.
    public func endCancelled(job id: Int64, by owner: RunOwner, runTime: Duration, now: Timestamp)
        async throws -> JobRecord
    {
        try await endStopped(
            job: id, by: owner, state: .cancelled, reason: .cancelled(id), runTime: runTime, now: now)
    }

    private func endStopped(
        job id: Int64, by owner: RunOwner, state: JobState, reason: BatchdError, runTime: Duration,
        now: Timestamp
    ) async throws -> JobRecord {
        try await writing { tx in
            try tx.addRunTime(job: id, milliseconds: runTime.wholeMillisecondsRoundedUp)
            if try tx.job(id)?.owner?.token == owner.token { try tx.setStopRequest(job: id, nil) }
            try tx.release(
                job: id, token: owner.token, state: state, code: reason.code, reason: reason.message, now: now
            )
            return try tx.existingJob(id)
        }
    }
}
