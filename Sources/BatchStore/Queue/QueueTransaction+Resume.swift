import BatchCore

/// The answer to a request to resume a job.
public enum ResumeOutcome: Sendable, Equatable {
    /// The job is queued again.
    case resumed(JobRecord)
    /// The job is already queued or running: nothing to do.
    case alreadyRunnable(JobState)
    /// The job has ended (completed, failed, cancelled) and cannot be resumed.
    case final(JobState)
    case notFound
}

extension QueueTransaction {
    /// Queues a paused job again, clearing its reason. Its recorded requests stay recorded; the
    /// rest are sent by whichever process runs it next.
    public func resume(job id: Int64, now: Timestamp) throws -> ResumeOutcome {
        guard let job = try job(id) else { return .notFound }
        switch job.state {
        case .paused:
            try setState(job: id, .queued, now: now)
            return try .resumed(self.job(id)!)
        case .queued, .running:
            // A pause asked of a running job and not acted on yet is withdrawn.
            if try stopRequest(job: id) == .pause { try setStopRequest(job: id, nil) }
            return .alreadyRunnable(job.state)
        case .completed, .failed, .cancelled:
            return .final(job.state)
        }
    }
}
