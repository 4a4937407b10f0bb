import BatchCore
import BatchStore
import BatchThreads
import Synchronization

/// Commits ``OutcomeBatch``es: appends and syncs the output lines, then marks the requests done in
/// one SQLite transaction that also stores the files' new committed lengths.
///
/// Guarantee (the exactly-once rule): a request is marked done in the same transaction that
/// commits the length covering its line. A crash before that commit leaves the line past the
/// committed length (cut on recovery) and the request pending (sent again); after it, both are
/// durable. So every request ends with exactly one line across the two files.
///
/// Commits are serialized by a lock, so the writer may be handed to another thread; the caller
/// still commits batches in the order it took them (a retry recorded in one batch must not land
/// after the same line's outcome in a later one).
public final class OutcomeWriter: Sendable {
    private struct Files {
        let results: OutputFile
        let errors: OutputFile
    }

    private let store: Store
    private let jobID: Int64
    private let files: Mutex<Files>
    /// The answer source (``Store/openAnswerSource(job:path:device:inode:now:)``) the results file's
    /// cached answers are recorded under; nil: nothing is cached.
    let cacheSource: Int64?

    public init(
        store: Store, jobID: Int64, results: sending OutputFile, errors: sending OutputFile,
        cacheSource: Int64? = nil
    ) {
        self.store = store
        self.jobID = jobID
        self.cacheSource = cacheSource
        self.files = Mutex(Files(results: results, errors: errors))
    }

    /// Writes and commits `batch` off the threads that run tasks (two `fdatasync`s and a SQLite
    /// commit). A cancelled caller still waits for the whole commit: it is never skipped halfway.
    public func commit(_ batch: OutcomeBatch) async throws {
        try await BlockingWork.run { try self.commitBlocking(batch) }
    }

    /// Writes and commits `batch` on the calling thread.
    public func commitBlocking(_ batch: OutcomeBatch) throws {
        try files.withLock { files in
            let resultsStart = files.results.length
            if !batch.resultBytes.isEmpty {
                try files.results.append(batch.resultBytes)
                try files.results.sync()
            }
            if !batch.errorBytes.isEmpty {
                try files.errors.append(batch.errorBytes)
                try files.errors.sync()
            }
            let committed = CommittedOutput(
                resultsBytes: files.results.length, errorsBytes: files.errors.length)
            // A cached answer's entry is recorded in the transaction that commits its line: it never
            // points past the committed length, and a crash before the commit loses both.
            try store.commit(
                batch.rows(output: committed, source: cacheSource, resultsStart: resultsStart), job: jobID)
        }
    }
}
