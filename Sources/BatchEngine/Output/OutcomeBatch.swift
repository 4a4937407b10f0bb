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

    public init() {}

    /// The rows it changes, once its lines are in files of these committed lengths.
    func rows(output: CommittedOutput) -> OutcomeCommit {
        var commit = OutcomeCommit(output: output)
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
