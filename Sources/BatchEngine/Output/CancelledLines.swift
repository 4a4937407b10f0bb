import BatchCore
import BatchStore

/// The error lines of a cancelled job: every request still pending gets one line with code
/// `cancelled`, committed through the job's ``OutcomeWriter`` like any other outcome, so the
/// exactly-once rule holds (a crash halfway leaves the rest pending, to be cancelled by the next
/// run, which finds the job's cancel request still recorded).
enum CancelledLines {
    /// Lines per commit.
    static let pageSize = 4096

    /// Writes and commits a `cancelled` line for each pending request of `job`. Returns how many.
    static func write(store: Store, job: Int64, writer: OutcomeWriter) async throws -> Int {
        var after = 0
        var written = 0
        while true {
            let page = try await store.pendingPage(job: job, after: after, limit: pageSize)
            guard let last = page.last else { return written }
            var batch = OutcomeBatch()
            for request in page {
                batch.errorBytes += OutputLine.failure(
                    id: OutputLine.id(job: job, line: request.line), customID: request.customID,
                    code: BatchdError.Code.cancelled.rawValue,
                    message: "cancelled by the user (batchctl cancel) before it had an answer")
                batch.finished.append(
                    RequestOutcome(
                        line: request.line, state: .failed, attempts: request.attempts,
                        lastError: BatchdError.Code.cancelled.rawValue))
                batch.delta.failed += 1
            }
            try await writer.commit(batch)
            written += page.count
            after = last.line
        }
    }
}
