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
        /// Cache entries of committed lines not recorded yet (see ``commitBlocking(_:)``).
        var cacheEntries: [CacheEntry] = []
        /// Deflates the answers kept in the database; nil unless ``OutcomeWriter/keepBodies``.
        let deflater: KeptBody.Deflater?
    }

    /// Cache entries are recorded once this many wait, and at the end of the run
    /// (``flushCacheEntries()``).
    static let cacheEntriesPerWrite = 8192

    private let store: Store
    private let jobID: Int64
    private let files: Mutex<Files>
    /// The answer source (``Store/openAnswerSource(job:path:device:inode:now:)``) the results file's
    /// cached answers are recorded under; nil: nothing is cached.
    let cacheSource: Int64?
    /// Whether cache entries keep a deflated copy of their answer (`cache_keep_bodies`).
    let keepBodies: Bool

    public init(
        store: Store, jobID: Int64, results: sending OutputFile, errors: sending OutputFile,
        cacheSource: Int64? = nil, keepBodies: Bool = false
    ) {
        self.store = store
        self.jobID = jobID
        self.cacheSource = cacheSource
        self.keepBodies = keepBodies
        self.files = Mutex(
            Files(
                results: results, errors: errors,
                deflater: keepBodies && cacheSource != nil ? KeptBody.Deflater() : nil))
    }

    /// Writes and commits `batch` off the threads that run tasks (two `fdatasync`s and a SQLite
    /// commit). A cancelled caller still waits for the whole commit: it is never skipped halfway.
    public func commit(_ batch: OutcomeBatch) async throws {
        try await BlockingWork.run { try self.commitBlocking(batch) }
    }

    /// Records the cache entries still waiting (at the end of a run), in key order, off the threads
    /// that run tasks.
    public func flushCacheEntries() async throws {
        try await BlockingWork.run {
            try self.files.withLock { files in
                guard !files.cacheEntries.isEmpty else { return }
                try self.store.recordCacheEntries(files.cacheEntries.sorted { $0.key < $1.key })
                files.cacheEntries = []
            }
        }
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
            // Cache entries are recorded in the commit of their lines or a later one, never an earlier
            // one, so an entry never points past the committed length. They wait for
            // `cacheEntriesPerWrite` of them: each entry of a random 64-bit key dirties its own page
            // of the table, so inserting them a commit's few at a time would write a page to the WAL
            // per answer. A crash loses the entries not yet written: those answers are misses later
            // (sent again), never wrong.
            let deflater = files.deflater
            var rows = batch.rows(
                output: committed, source: cacheSource, resultsStart: resultsStart,
                keptBody: deflater.map { deflater in { deflater.body(ofLine: $0) } })
            files.cacheEntries.append(contentsOf: rows.cacheEntries)
            rows.cacheEntries = []
            if files.cacheEntries.count >= Self.cacheEntriesPerWrite {
                rows.cacheEntries = files.cacheEntries.sorted { $0.key < $1.key }
                files.cacheEntries = []
            }
            try store.commit(rows, job: jobID)
        }
    }
}
