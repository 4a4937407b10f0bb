import BatchCore
import BatchStore

/// Everything one commit records: the output lines to append and the rows and counters that go
/// with them. ``OutcomeRecorder`` fills it; ``OutcomeWriter`` commits it.
public struct OutcomeBatch: Sendable {
    /// Results lines, appended to the results file.
    public var resultBytes = OutputChunks()
    /// Error lines, appended to the errors file.
    public var errorBytes = OutputChunks()
    /// Requests done, in the order they finished; each line appears at most once.
    public var finished: [RequestOutcome] = []
    /// Retries, in the order they were decided.
    public var retries: [RetryRecord] = []
    /// Token usage of successful answers, per model.
    public var usage: [String: (requests: Int, usage: TokenUsage)] = [:]
    /// The part of ``usage`` answered through the provider's Batch API, per model.
    public var batchUsage: [String: (requests: Int, usage: TokenUsage)] = [:]
    /// Counter increments for the job's row.
    public var delta = JobCounts()
    /// Answers for the cache: each line's key, where it lies in ``resultBytes``, and the line (the
    /// same storage as in ``resultBytes``: kept bodies are made from it).
    public var cacheEntries: [(key: Int64, offset: Int, length: Int, lineHash: UInt32, line: [UInt8])] = []
    /// Lines answered from the cache or from another line of the job, and their tokens, per model.
    public var savings: [String: (hits: Int, usage: TokenUsage)] = [:]
    /// How many of ``finished`` are such lines (never sent: not counted by the dispatch state).
    public var reusedLines = 0

    public init() {}

    /// The rows it changes, once its lines are in files of these committed lengths; its cache
    /// entries point into `source`, whose results file was `resultsStart` long before its lines,
    /// and keep the bodies `keptBody` makes of their lines (none without it).
    func rows(
        output: CommittedOutput, source: Int64? = nil, resultsStart: Int64 = 0,
        keptBody: (([UInt8]) -> [UInt8]?)? = nil
    ) -> OutcomeCommit {
        var commit = OutcomeCommit(output: output)
        if let source {
            commit.cacheEntries = cacheEntries.map {
                CacheEntry(
                    key: $0.key, source: source, offset: resultsStart + Int64($0.offset), length: $0.length,
                    lineHash: $0.lineHash, keptBody: keptBody?($0.line))
            }
        }
        commit.savings = savings
        commit.retries = retries
        commit.finished = finished
        commit.usage = usage
        commit.batchUsage = batchUsage
        commit.delta = delta
        return commit
    }

    /// Whether committing it would change nothing.
    public var isEmpty: Bool {
        finished.isEmpty && retries.isEmpty && delta == JobCounts()
    }
}
