import BatchCore

/// The answer to an attempt to claim a job.
public enum ClaimOutcome: Sendable, Equatable {
    /// The caller now owns the job, which is `running`.
    case claimed(JobRecord)
    /// A live process owns the job.
    case busy(pid: Int32)
    /// The job is paused or has ended.
    case notRunnable(JobState)
    case notFound
}

extension QueueTransaction {
    /// Claims `job` for the process identified by `pid` and `token`, until `now + lease`.
    ///
    /// Recovery rule: a job owned by a process that is no longer alive, or whose lease has
    /// expired, is taken over at once; its unrecorded requests are sent again.
    public func claim(
        job id: Int64, pid: Int32, token: String, now: Timestamp, lease: Duration,
        isAlive: (Int32) -> Bool
    ) throws -> ClaimOutcome {
        guard let job = try job(id) else { return .notFound }
        guard job.state.isRunnable else { return .notRunnable(job.state) }
        if let owner = job.owner, owner.token != token, owner.leaseUntil > now, isAlive(owner.pid) {
            return .busy(pid: owner.pid)
        }
        try connection.statement(
            """
            UPDATE jobs SET state = 'running', state_code = NULL, state_reason = NULL,
                owner_pid = ?, owner_token = ?, lease_until = ?, started_at = COALESCE(started_at, ?)
            WHERE id = ?
            """
        ).bind(pid, token, now.advanced(by: lease).milliseconds, now.milliseconds, id).run()
        return try self.job(id).map(ClaimOutcome.claimed) ?? .notFound
    }

    /// Extends the caller's lease on `job`. Returns `false` when the caller no longer owns it.
    public func renewLease(job id: Int64, token: String, until: Timestamp) throws -> Bool {
        try connection.statement("UPDATE jobs SET lease_until = ? WHERE id = ? AND owner_token = ?")
            .bind(until.milliseconds, id, token).run()
        return connection.changes == 1
    }

    /// Gives up ownership of `job`, moving it to `state`, if the caller still owns it.
    public func release(
        job id: Int64, token: String, state: JobState, code: BatchdError.Code? = nil, reason: String? = nil,
        now: Timestamp
    ) throws {
        guard let job = try job(id), job.owner?.token == token else { return }
        try setState(job: id, state, code: code, reason: reason, now: now)
    }
}
