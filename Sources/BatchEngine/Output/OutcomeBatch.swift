import BatchCore
import BatchStore

/// Everything one commit records: the output lines to append and the rows and counters that go
/// with them. ``OutcomeRecorder`` fills it; ``OutcomeWriter`` commits it.
public struct OutcomeBatch: Sendable {
    /// A failed attempt that will be retried: its row gets the attempt count, due time and error.
    public struct Retry: Sendable {
        public var line: Int
        public var attempts: Int
        public var nextAttemptAt: Timestamp
        public var code: String
    }

    /// Results lines, appended to the results file.
    public var resultBytes: [UInt8] = []
    /// Error lines, appended to the errors file.
    public var errorBytes: [UInt8] = []
    /// Requests done, in the order they finished; each line appears at most once.
    public var finished: [RequestOutcome] = []
    /// Retries, in the order they were decided.
    public var retries: [Retry] = []
    /// Token usage of successful answers, per model.
    public var usage: [String: (requests: Int, usage: TokenUsage)] = [:]
    /// Counter increments for the job's row.
    public var delta = JobCounts()

    public init() {}

    /// Whether committing it would change nothing.
    public var isEmpty: Bool {
        finished.isEmpty && retries.isEmpty && delta == JobCounts()
    }
}
