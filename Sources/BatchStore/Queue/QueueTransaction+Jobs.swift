import BatchCore
import Foundation

/// What `submit` knows about a new job.
public struct NewJob: Sendable {
    public var inputPath: String
    public var endpoint: String
    public var priority: Int
    /// The job's own settings (stored with it); `endpoint` and `priority` are the fields above.
    public var settings: JobSettings
    public var fingerprint: InputFingerprint
    public var createdAt: Timestamp

    public init(
        inputPath: String, endpoint: String, priority: Int = 0, settings: JobSettings = JobSettings(),
        fingerprint: InputFingerprint, createdAt: Timestamp
    ) {
        self.inputPath = inputPath
        self.endpoint = endpoint
        self.priority = priority
        self.settings = settings
        self.fingerprint = fingerprint
        self.createdAt = createdAt
    }
}

extension QueueTransaction {
    static let jobColumns = """
        id, input_path, endpoint, priority, state, state_code, state_reason, options, created_at,
        started_at, finished_at, run_ms, input_size, input_mtime_ns, input_hash, ingest_offset,
        ingest_line, ingest_done, results_bytes, errors_bytes, requests_total, rejected, succeeded,
        failed, attempts, throttled, owner_pid, owner_token, lease_until
        """

    /// Adds a queued job and returns its id.
    public func insertJob(_ job: NewJob) throws -> Int64 {
        // `endpoint` and `priority` have columns of their own; the rest is stored as JSON.
        var stored = job.settings
        stored.endpoint = nil
        stored.priority = nil
        let options = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        try connection.statement(
            """
            INSERT INTO jobs (input_path, endpoint, priority, options, created_at, input_size, input_mtime_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            job.inputPath, job.endpoint, job.priority, options, job.createdAt.milliseconds,
            job.fingerprint.size, job.fingerprint.modificationNanoseconds
        ).run()
        return connection.lastInsertRowID
    }

    /// The job with this id, or `nil`.
    public func job(_ id: Int64) throws -> JobRecord? {
        let statement = try connection.statement("SELECT \(Self.jobColumns) FROM jobs WHERE id = ?")
        try statement.bind(id)
        return try statement.step() ? Self.decodeJob(statement) : nil
    }

    /// The most recent jobs first, at most `limit`.
    public func jobs(limit: Int = 100) throws -> [JobRecord] {
        let statement = try connection.statement(
            "SELECT \(Self.jobColumns) FROM jobs ORDER BY id DESC LIMIT ?")
        try statement.bind(limit)
        var jobs: [JobRecord] = []
        while try statement.step() { jobs.append(Self.decodeJob(statement)) }
        return jobs
    }

    /// The newest job for `inputPath`, whatever its state.
    public func latestJob(forInput inputPath: String) throws -> JobRecord? {
        let statement = try connection.statement(
            "SELECT \(Self.jobColumns) FROM jobs WHERE input_path = ? ORDER BY id DESC LIMIT 1")
        try statement.bind(inputPath)
        return try statement.step() ? Self.decodeJob(statement) : nil
    }

    /// Jobs that can run (queued, or running under an owner), highest priority first, then oldest.
    public func runnableJobs(limit: Int) throws -> [JobRecord] {
        let statement = try connection.statement(
            """
            SELECT \(Self.jobColumns) FROM jobs WHERE state IN ('queued', 'running')
            ORDER BY priority DESC, id LIMIT ?
            """)
        try statement.bind(limit)
        var jobs: [JobRecord] = []
        while try statement.step() { jobs.append(Self.decodeJob(statement)) }
        return jobs
    }

    /// Moves a job to `state`, with a reason when it is paused or failed. Clears the owner when the
    /// job leaves `running`.
    public func setState(
        job id: Int64, _ state: JobState, code: BatchdError.Code? = nil, reason: String? = nil, now: Timestamp
    ) throws {
        let finished: Int64? = state.isFinal ? now.milliseconds : nil
        try connection.statement(
            """
            UPDATE jobs SET state = ?, state_code = ?, state_reason = ?, finished_at = COALESCE(?, finished_at),
                owner_pid = CASE WHEN ? = 'running' THEN owner_pid END,
                owner_token = CASE WHEN ? = 'running' THEN owner_token END,
                lease_until = CASE WHEN ? = 'running' THEN lease_until END
            WHERE id = ?
            """
        ).bind(
            state.rawValue, code?.rawValue, reason, finished, state.rawValue, state.rawValue, state.rawValue,
            id
        )
        .run()
    }

    /// Sets the input's recorded modification time, if its recorded whole-file hash is `hash`.
    public func recordInputTime(job id: Int64, modificationNanoseconds: Int64, ifHash hash: UInt64) throws {
        try connection.statement("UPDATE jobs SET input_mtime_ns = ? WHERE id = ? AND input_hash = ?")
            .bind(modificationNanoseconds, id, Int64(bitPattern: hash)).run()
    }

    /// Adds `milliseconds` to the job's running time.
    public func addRunTime(job id: Int64, milliseconds: Int64) throws {
        try connection.statement("UPDATE jobs SET run_ms = run_ms + ? WHERE id = ?").bind(
            max(0, milliseconds), id
        )
        .run()
    }

    static func decodeJob(_ s: SQLiteStatement) -> JobRecord {
        var settings =
            (try? JSONDecoder().decode(JobSettings.self, from: Data(s.string(7).utf8))) ?? JobSettings()
        settings.endpoint = s.string(2)
        settings.priority = s.int(3)
        let owner: JobOwner? =
            s.isNull(26)
            ? nil
            : JobOwner(
                pid: Int32(truncatingIfNeeded: s.int64(26)), token: s.string(27),
                leaseUntil: Timestamp(milliseconds: s.optionalInt64(28) ?? 0))
        return JobRecord(
            id: s.int64(0), inputPath: s.string(1), endpoint: s.string(2), priority: s.int(3),
            state: JobState(rawValue: s.string(4)) ?? .failed,
            stateCode: s.optionalString(5).map(BatchdError.Code.init(rawValue:)),
            stateReason: s.optionalString(6), settings: settings,
            createdAt: Timestamp(milliseconds: s.int64(8)),
            startedAt: s.optionalInt64(9).map(Timestamp.init(milliseconds:)),
            finishedAt: s.optionalInt64(10).map(Timestamp.init(milliseconds:)), runMilliseconds: s.int64(11),
            fingerprint: InputFingerprint(
                size: s.int64(12), modificationNanoseconds: s.int64(13),
                hash: s.optionalInt64(14).map { UInt64(bitPattern: $0) }),
            ingest: IngestProgress(offset: s.int64(15), line: s.int(16), done: s.int(17) != 0),
            committedOutput: CommittedOutput(resultsBytes: s.int64(18), errorsBytes: s.int64(19)),
            counts: JobCounts(
                requests: s.int(20), rejected: s.int(21), succeeded: s.int(22), failed: s.int(23),
                attempts: s.int(24), throttled: s.int(25)),
            owner: owner)
    }
}
