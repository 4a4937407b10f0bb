import BatchCore

/// The answer to `batchctl pause`.
public enum PauseOutcome: Sendable, Equatable {
    /// The job was not running: it is paused now (`paused_by_user`).
    case paused(JobRecord)
    /// A process runs the job: it was asked to pause, and does within a second.
    case requested(pid: Int32)
    /// The job was already paused.
    case alreadyPaused(JobRecord)
    /// The job has ended.
    case final(JobState)
    case notFound
}

/// The answer to `batchctl cancel`.
public enum CancelOutcome: Sendable, Equatable {
    /// A live process runs the job: it was asked to cancel it, and does within a second.
    case requested(pid: Int32)
    /// No live process runs the job: the caller must finish it (``JobCanceller``); the request is
    /// recorded, so that whoever runs the job next cancels it too.
    case finishHere(JobRecord)
    /// The job has ended.
    case final(JobState)
    case notFound
}

extension QueueTransaction {
    /// The stop a user asked of `job`, if any.
    public func stopRequest(job id: Int64) throws -> StopRequest? {
        let statement = try connection.statement("SELECT stop_request FROM jobs WHERE id = ?")
        try statement.bind(id)
        guard try statement.step() else { return nil }
        return statement.optionalString(0).flatMap(StopRequest.init(rawValue:))
    }

    /// Records `request` on `job` (`nil` clears it).
    func setStopRequest(job id: Int64, _ request: StopRequest?) throws {
        try connection.statement("UPDATE jobs SET stop_request = ? WHERE id = ?").bind(request?.rawValue, id)
            .run()
    }

    /// The process that runs `job` now, if it is alive and its lease current.
    func liveOwner(_ job: JobRecord, now: Timestamp, isAlive: (Int32) -> Bool) -> Int32? {
        guard job.state == .running, let owner = job.owner, owner.leaseUntil > now, isAlive(owner.pid) else {
            return nil
        }
        return owner.pid
    }

    /// Pauses `job` for a user: at once when no process runs it, else by asking its process to.
    public func pauseByUser(job id: Int64, now: Timestamp, isAlive: (Int32) -> Bool) throws -> PauseOutcome {
        guard let job = try job(id) else { return .notFound }
        switch job.state {
        case .completed, .failed, .cancelled:
            return .final(job.state)
        case .paused:
            return .alreadyPaused(job)
        case .queued, .running:
            if let pid = liveOwner(job, now: now, isAlive: isAlive) {
                // A cancel already asked for is not turned back into a pause.
                if try stopRequest(job: id) != .cancel { try setStopRequest(job: id, .pause) }
                return .requested(pid: pid)
            }
            let reason = BatchdError.pausedByUser(id)
            try setState(job: id, .paused, code: reason.code, reason: reason.message, now: now)
            try setStopRequest(job: id, nil)
            return try .paused(existingJob(id))
        }
    }

    /// Records a user's cancel of `job`; says whether its running process will act on it or the
    /// caller must finish the job itself.
    public func cancelByUser(job id: Int64, now: Timestamp, isAlive: (Int32) -> Bool) throws -> CancelOutcome
    {
        guard let job = try job(id) else { return .notFound }
        if job.state.isFinal { return .final(job.state) }
        try setStopRequest(job: id, .cancel)
        if let pid = liveOwner(job, now: now, isAlive: isAlive) { return .requested(pid: pid) }
        return try .finishHere(existingJob(id))
    }

    /// Claims a job that is queued, paused, or running under a dead owner, for a cancel (a paused
    /// job cannot be claimed to run).
    public func claimForCancel(
        job id: Int64, pid: Int32, token: String, now: Timestamp, lease: Duration, isAlive: (Int32) -> Bool
    ) throws -> ClaimOutcome {
        guard let job = try job(id) else { return .notFound }
        if job.state.isFinal { return .notRunnable(job.state) }
        if job.state == .paused { try setState(job: id, .queued, now: now) }
        return try claim(job: id, pid: pid, token: token, now: now, lease: lease, isAlive: isAlive)
    }
}
