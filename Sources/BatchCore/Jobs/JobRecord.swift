/// A job as stored: where its input is, where it is in its life, and its counters.
public struct JobRecord: Sendable, Equatable {
    public var id: Int64
    public var inputPath: String
    /// The name of the endpoint it is sent to (`default` for the one the environment defines).
    public var endpoint: String
    public var priority: Int
    public var state: JobState
    /// Why the job is paused or failed: a stable code and a message.
    public var stateCode: BatchdError.Code?
    public var stateReason: String?
    /// The job's own settings; `endpoint` and `priority` are the fields above.
    public var settings: JobSettings
    public var createdAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    /// Time spent running, summed over every run of the job.
    public var runMilliseconds: Int64
    public var fingerprint: InputFingerprint
    public var ingest: IngestProgress
    /// Bytes of each output file that are committed: anything past them is cut on recovery.
    public var committedOutput: CommittedOutput
    public var counts: JobCounts
    public var owner: JobOwner?

    public init(
        id: Int64, inputPath: String, endpoint: String, priority: Int, state: JobState,
        stateCode: BatchdError.Code?, stateReason: String?, settings: JobSettings, createdAt: Timestamp,
        startedAt: Timestamp?, finishedAt: Timestamp?, runMilliseconds: Int64,
        fingerprint: InputFingerprint, ingest: IngestProgress, committedOutput: CommittedOutput,
        counts: JobCounts, owner: JobOwner?
    ) {
        self.id = id
        self.inputPath = inputPath
        self.endpoint = endpoint
        self.priority = priority
        self.state = state
        self.stateCode = stateCode
        self.stateReason = stateReason
        self.settings = settings
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runMilliseconds = runMilliseconds
        self.fingerprint = fingerprint
        self.ingest = ingest
        self.committedOutput = committedOutput
        self.counts = counts
        self.owner = owner
    }
}

/// What identifies the input's content at submit time; a change means the offsets are stale.
public struct InputFingerprint: Sendable, Equatable {
    public var size: Int64
    public var modificationNanoseconds: Int64
    /// A hash of the whole file, known once ingest has read it.
    public var hash: UInt64?

    public init(size: Int64, modificationNanoseconds: Int64, hash: UInt64?) {
        self.size = size
        self.modificationNanoseconds = modificationNanoseconds
        self.hash = hash
    }
}

/// How far ingest has read the input; ingest resumes from here after a crash.
public struct IngestProgress: Sendable, Equatable {
    public var offset: Int64
    public var line: Int
    public var done: Bool

    public init(offset: Int64, line: Int, done: Bool) {
        self.offset = offset
        self.line = line
        self.done = done
    }
}

/// The committed lengths of a job's results and errors files.
public struct CommittedOutput: Sendable, Equatable {
    public var resultsBytes: Int64
    public var errorsBytes: Int64

    public init(resultsBytes: Int64, errorsBytes: Int64) {
        self.resultsBytes = resultsBytes
        self.errorsBytes = errorsBytes
    }
}

/// A job's counters, kept exact in the same transactions that record outcomes.
public struct JobCounts: Sendable, Equatable, Codable {
    /// Valid lines: each becomes one request.
    public var requests: Int
    /// Lines rejected at ingest (in the errors file).
    public var rejected: Int
    public var succeeded: Int
    public var failed: Int
    /// HTTP attempts made, retries included.
    public var attempts: Int
    /// 429 answers received.
    public var throttled: Int

    public init(
        requests: Int = 0, rejected: Int = 0, succeeded: Int = 0, failed: Int = 0, attempts: Int = 0,
        throttled: Int = 0
    ) {
        self.requests = requests
        self.rejected = rejected
        self.succeeded = succeeded
        self.failed = failed
        self.attempts = attempts
        self.throttled = throttled
    }

    /// Requests not recorded yet.
    public var pending: Int { requests - succeeded - failed }
}

/// The process that has claimed a job.
public struct JobOwner: Sendable, Equatable {
    public var pid: Int32
    /// Unique per process run, so a reused pid is not mistaken for the owner.
    public var token: String
    public var leaseUntil: Timestamp

    public init(pid: Int32, token: String, leaseUntil: Timestamp) {
        self.pid = pid
        self.token = token
        self.leaseUntil = leaseUntil
    }
}
