/// The life of a job, as stored in the database.
///
///     queued ──claim──▶ running ──all requests recorded──▶ completed
///        ▲                 │  │
///        └──graceful stop──┘  └──input changed, out of quota, outputs unwritable──▶ paused
///
/// `completed` means every valid line has exactly one output line; some of those may be errors.
public enum JobState: String, Sendable, CaseIterable, Codable {
    case queued
    case running
    case paused
    case completed
    case failed
    case cancelled

    /// Whether the job can still make progress without a user's action.
    public var isRunnable: Bool { self == .queued || self == .running }

    /// Whether the job has ended for good.
    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// The state of one request (one valid input line), as stored in the database.
public enum RequestState: Int, Sendable, Codable {
    /// Not recorded yet: it will be sent (again) when the job runs.
    case pending = 0
    /// Its answer is in the results file.
    case succeeded = 1
    /// Its final failure is in the errors file.
    case failed = 2
}
