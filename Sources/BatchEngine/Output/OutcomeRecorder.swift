import BatchCore
import BatchStore

/// Records outcomes durably, in batches: output lines are appended and synced first, then one
/// SQLite transaction marks the requests done and stores the files' new committed lengths.
///
/// Guarantee (the exactly-once rule): a request is marked done in the same transaction that
/// commits the length covering its line. A crash before that commit leaves the line past the
/// committed length (cut on recovery) and the request pending (sent again); after it, both are
/// durable. So every request ends with exactly one line across the two files.
public final class OutcomeRecorder {
    private let store: Store
    private let jobID: Int64
    public let results: OutputFile
    public let errors: OutputFile

    private var resultBytes: [UInt8] = []
    private var errorBytes: [UInt8] = []
    private var finished: [RequestOutcome] = []
    private var retries: [(line: Int, attempts: Int, nextAttemptAt: Timestamp, code: String)] = []
    private var usage: [String: (requests: Int, usage: TokenUsage)] = [:]
    private var delta = JobCounts()
    private var firstUnflushed: Timestamp?

    /// Flush when this many entries wait, or when the oldest has waited `maximumDelay`.
    public var maximumBatch = 512
    public var maximumDelay: Duration = .milliseconds(20)

    public init(store: Store, jobID: Int64, results: OutputFile, errors: OutputFile) {
        self.store = store
        self.jobID = jobID
        self.results = results
        self.errors = errors
    }

    /// Counts an attempt about to be made.
    public func noteAttempt() {
        delta.attempts += 1
    }

    /// Counts a 429 answer.
    public func noteThrottled(now: Timestamp) {
        delta.throttled += 1
        firstUnflushed = firstUnflushed ?? now
    }

    /// Queues a request's final line.
    public func finish(
        line: Int, succeeded: Bool, attempts: Int, lastError: String?, model: String,
        usage tokens: TokenUsage?,
        output: [UInt8], now: Timestamp
    ) {
        if succeeded {
            resultBytes.append(contentsOf: output)
            delta.succeeded += 1
        } else {
            errorBytes.append(contentsOf: output)
            delta.failed += 1
        }
        finished.append(
            RequestOutcome(
                line: line, state: succeeded ? .succeeded : .failed, attempts: attempts, lastError: lastError)
        )
        if let tokens {
            var entry = usage[model] ?? (0, TokenUsage())
            entry.requests += 1
            entry.usage += tokens
            usage[model] = entry
        }
        firstUnflushed = firstUnflushed ?? now
    }

    /// Queues the record of a failed attempt that will be retried.
    public func retry(line: Int, attempts: Int, nextAttemptAt: Timestamp, code: String, now: Timestamp) {
        retries.append((line, attempts, nextAttemptAt, code))
        firstUnflushed = firstUnflushed ?? now
    }

    /// When the next flush is due, if anything waits.
    public var flushDeadline: Timestamp? {
        guard let first = firstUnflushed else { return nil }
        return finished.count + retries.count >= maximumBatch ? first : first.advanced(by: maximumDelay)
    }

    /// Whether anything waits to be recorded.
    public var hasPending: Bool { firstUnflushed != nil || delta.attempts > 0 }

    /// Writes and commits everything queued.
    public func flush() throws {
        guard hasPending else { return }
        if !resultBytes.isEmpty {
            try results.append(resultBytes)
            try results.sync()
        }
        if !errorBytes.isEmpty {
            try errors.append(errorBytes)
            try errors.sync()
        }
        let committed = CommittedOutput(resultsBytes: results.length, errorsBytes: errors.length)
        let (jobID, finished, retries, usage, delta) = (jobID, finished, retries, usage, delta)
        try store.write { tx in
            // Retries first: a line retried and then finished within one flush ends with its
            // outcome's attempts and error, not the earlier retry's.
            for entry in retries {
                try tx.recordRetry(
                    job: jobID, line: entry.line, attempts: entry.attempts,
                    nextAttemptAt: entry.nextAttemptAt,
                    lastError: entry.code)
            }
            try tx.recordOutcomes(job: jobID, finished)
            for (model, entry) in usage {
                try tx.addUsage(job: jobID, model: model, requests: entry.requests, usage: entry.usage)
            }
            try tx.recordProgress(job: jobID, output: committed, delta: delta)
        }
        resultBytes.removeAll(keepingCapacity: true)
        errorBytes.removeAll(keepingCapacity: true)
        self.finished.removeAll(keepingCapacity: true)
        self.retries.removeAll(keepingCapacity: true)
        self.usage.removeAll(keepingCapacity: true)
        self.delta = JobCounts()
        firstUnflushed = nil
    }
}
