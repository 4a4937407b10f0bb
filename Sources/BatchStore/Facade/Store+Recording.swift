import BatchCore

/// A failed attempt that will be retried: its row gets the attempt count, due time and error.
public struct RetryRecord: Sendable, Equatable {
    public var line: Int
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var code: String

    public init(line: Int, attempts: Int, nextAttemptAt: Timestamp, code: String) {
        self.line = line
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.code = code
    }
}

/// The rows one outcome commit changes; its output lines are already appended and synced.
public struct OutcomeCommit: Sendable {
    /// Retries, in the order they were decided.
    public var retries: [RetryRecord] = []
    /// Requests done; each line appears at most once.
    public var finished: [RequestOutcome] = []
    /// Token usage of successful answers, per model.
    public var usage: [String: (requests: Int, usage: TokenUsage)] = [:]
    /// The part of ``usage`` answered through the provider's Batch API, per model.
    public var batchUsage: [String: (requests: Int, usage: TokenUsage)] = [:]
    /// Counter increments for the job's row.
    public var delta = JobCounts()
    /// The output files' lengths once this commit's lines are in them.
    public var output: CommittedOutput
    /// Answers for the cache, pointing at lines this commit covers.
    public var cacheEntries: [CacheEntry] = []
    /// Requests answered from the cache, and their answers' tokens, per model.
    public var savings: [String: (hits: Int, usage: TokenUsage)] = [:]

    public init(output: CommittedOutput) {
        self.output = output
    }
}

/// A request refused at ingest because an earlier line of the job has its `custom_id`.
public struct DuplicateRequest: Sendable, Equatable {
    /// Its index in the chunk's requests.
    public var index: Int
    /// The input line that holds the `custom_id` first.
    public var firstLine: Int
}

/// The writes of a job's run that happen many times a second or per ingest chunk. They are
/// synchronous: their callers (the outcome writer on the blocking pool, ingest on its own thread)
/// are already off the threads that run tasks, and a hop per commit would cost the dispatch path.
extension Store {
    /// Records `commit` for `job` in one transaction: retries first (a line retried and then
    /// finished within one commit ends with its outcome's attempts and error), then the outcomes,
    /// the usage, the counters and the files' committed lengths.
    ///
    /// The exactly-once rule (``OutcomeWriter``): a request is marked done in the same transaction
    /// that commits the length covering its line.
    public func commit(_ commit: OutcomeCommit, job id: Int64) throws {
        try write { tx in
            for entry in commit.retries {
                try tx.recordRetry(
                    job: id, line: entry.line, attempts: entry.attempts, nextAttemptAt: entry.nextAttemptAt,
                    lastError: entry.code)
            }
            try tx.recordOutcomes(job: id, commit.finished)
            for (model, entry) in commit.usage {
                try tx.addUsage(job: id, model: model, requests: entry.requests, usage: entry.usage)
            }
            for (model, entry) in commit.batchUsage {
                try tx.addBatchUsage(job: id, model: model, requests: entry.requests, usage: entry.usage)
            }
            try tx.insertCacheEntries(commit.cacheEntries)
            for (model, entry) in commit.savings {
                try tx.addCacheSavings(job: id, model: model, hits: entry.hits, usage: entry.usage)
            }
            try tx.recordProgress(job: id, output: commit.output, delta: commit.delta)
        }
    }

    /// Records one ingest chunk of `job` in one transaction: its `requests`, then its rejected lines
    /// (appended to the errors file by `writeRejections`, given the requests refused as duplicates,
    /// which returns how many lines it wrote and the errors file's new length), then how far the
    /// input was read (`progress`, and the whole input's `hash` once its end was reached).
    ///
    /// A crash at any point leaves all of it or none: the errors file is cut back on recovery to the
    /// length committed here.
    public func commitIngest(
        job id: Int64, requests: [NewRequest], progress: IngestProgress, hash: UInt64?,
        writeRejections: ([DuplicateRequest]) throws -> (lines: Int, errorsBytes: Int64)
    ) throws {
        try write { tx in
            let refused = try tx.insertRequests(job: id, requests)
            let duplicates = try refused.map { index in
                DuplicateRequest(
                    index: index, firstLine: try tx.line(ofCustomID: requests[index].customID, job: id) ?? 0)
            }
            let (rejected, errorsBytes) = try writeRejections(duplicates)
            try tx.recordIngest(
                job: id, progress: progress, addedRequests: requests.count - refused.count,
                addedRejected: rejected, errorsBytes: errorsBytes, hash: hash)
        }
    }
}
