import BatchCore
import BatchStore

/// Collects outcomes into batches for ``OutcomeWriter`` to commit, and says when a batch is due.
///
/// The dispatch loop owns it: `finish`, `retry` and the counters fill the batch being collected;
/// ``takeBatch()`` hands it over for a commit (which may run on another thread while the next one
/// fills); ``flush()`` does both at once.
public final class OutcomeRecorder {
    /// Commits the batches.
    public let writer: OutcomeWriter

    private var batch = OutcomeBatch()
    private var firstUnflushed: Timestamp?

    /// A batch is due when this many entries wait, or when the oldest has waited `maximumDelay`.
    /// (The dispatch loop commits sooner when enough answers wait: see `DispatchLoop.commitDue`.
    /// 100 ms groups paced answers, which come one by one, into a few commits a second.)
    public var maximumBatch = 512
    public var maximumDelay: Duration = .milliseconds(100)

    /// Which lines lead a key of the answer cache and which follow them; nil: nothing is cached.
    public let reuse: AnswerReuse?
    private let jobID: Int64
    /// Lines answered from the cache or from another line since ``takeReusedCount()``.
    private var reusedSinceTaken = 0

    public init(
        store: Store, jobID: Int64, results: sending OutputFile, errors: sending OutputFile,
        cacheSource: Int64? = nil, keepBodies: Bool = false
    ) {
        self.writer = OutcomeWriter(
            store: store, jobID: jobID, results: results, errors: errors, cacheSource: cacheSource,
            keepBodies: keepBodies)
        self.reuse = cacheSource == nil ? nil : AnswerReuse()
        self.jobID = jobID
    }

    /// Counts an attempt about to be made.
    public func noteAttempt() {
        batch.delta.attempts += 1
    }

    /// Counts a 429 answer.
    public func noteThrottled(now: Timestamp) {
        batch.delta.throttled += 1
        firstUnflushed = firstUnflushed ?? now
    }

    /// Queues a request's final line.
    public func finish(
        line: Int, succeeded: Bool, attempts: Int, lastError: String?, model: String,
        usage tokens: TokenUsage?,
        output: [UInt8], now: Timestamp
    ) {
        if succeeded {
            if let reuse, let answer = reuse.noteAnswered(line: line, output: output) {
                batch.cacheEntries.append(
                    (answer.key, batch.resultBytes.count, output.count, LineHash.of(output), output))
                batch.resultBytes.append(contentsOf: output)
                for follower in answer.followers {
                    guard
                        let made = ReusedLine.make(
                            from: output, id: OutputLine.id(job: jobID, line: follower.request.line),
                            customID: follower.request.customID)
                    else {
                        reuse.release(follower)  // not reached for a 2xx line: then it is sent itself
                        continue
                    }
                    finishReused(follower, line: made.line, usage: made.usage, now: now)
                }
            } else {
                batch.resultBytes.append(contentsOf: output)
            }
            batch.delta.succeeded += 1
        } else {
            reuse?.noteFailed(line: line)
            batch.errorBytes.append(contentsOf: output)
            batch.delta.failed += 1
        }
        batch.finished.append(
            RequestOutcome(
                line: line, state: succeeded ? .succeeded : .failed, attempts: attempts, lastError: lastError)
        )
        if let tokens {
            var entry = batch.usage[model] ?? (0, TokenUsage())
            entry.requests += 1
            entry.usage += tokens
            batch.usage[model] = entry
        }
        firstUnflushed = firstUnflushed ?? now
    }

    /// Queues the results line of `item` answered without sending it (an earlier answer to the same
    /// request: ``AnswerReuse``). Recorded like an answer: marked done in the commit that covers its
    /// line, so a crash before it leaves the line pending, to be answered again the same way. Its
    /// tokens count as saved, not as spent.
    public func finishReused(_ item: DispatchItem, line output: [UInt8], usage: TokenUsage?, now: Timestamp) {
        batch.resultBytes.append(contentsOf: output)
        batch.delta.succeeded += 1
        batch.finished.append(
            RequestOutcome(
                line: item.request.line, state: .succeeded, attempts: item.attempts, lastError: nil))
        var entry = batch.savings[item.request.model] ?? (0, TokenUsage())
        entry.hits += 1
        if let usage { entry.usage += usage }
        batch.savings[item.request.model] = entry
        batch.reusedLines += 1
        reusedSinceTaken += 1
        firstUnflushed = firstUnflushed ?? now
    }

    /// Lines answered by ``finishReused(_:line:usage:now:)`` since the last call.
    public func takeReusedCount() -> Int {
        defer { reusedSinceTaken = 0 }
        return reusedSinceTaken
    }

    /// Queues the record of a failed attempt that will be retried.
    public func retry(line: Int, attempts: Int, nextAttemptAt: Timestamp, code: String, now: Timestamp) {
        batch.retries.append(.init(line: line, attempts: attempts, nextAttemptAt: nextAttemptAt, code: code))
        firstUnflushed = firstUnflushed ?? now
    }

    /// Lines queued for the next batch (finished requests; retries write no line).
    public var pendingLines: Int { batch.finished.count }

    /// When the next batch is due, if anything waits.
    public var flushDeadline: Timestamp? {
        guard let first = firstUnflushed else { return nil }
        return batch.finished.count + batch.retries.count >= maximumBatch
            ? first : first.advanced(by: maximumDelay)
    }

    /// Whether anything waits to be recorded.
    public var hasPending: Bool { !batch.isEmpty }

    /// Hands over everything queued, if anything is, and starts a new batch.
    public func takeBatch() -> OutcomeBatch? {
        guard hasPending else { return nil }
        defer {
            batch = OutcomeBatch()
            firstUnflushed = nil
        }
        return batch
    }

    /// Writes and commits everything queued, on the calling thread.
    public func flush() throws {
        if let batch = takeBatch() { try writer.commitBlocking(batch) }
    }
}
