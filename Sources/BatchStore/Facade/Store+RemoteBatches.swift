import BatchCore

/// The remote batches of a job sent `via batch` (the provider's Batch API). Each method is one
/// transaction.
///
/// ## The crash rule: intent first, then each remote step, then its record
/// A remote step that is not recorded may have happened; one that is recorded has. So:
/// 1. ``planRemoteBatch(job:_:now:)`` records the batch *before anything is uploaded*: its lines
///    (taken in the same transaction, each into at most one remote batch at a time) and its tag,
///    `batchd:<job>:<part>:<content hash>`, the idempotency marker sent as the batch's
///    `metadata` (``RemoteBatchTag/metadataKey``).
/// 2. After the upload answers, ``recordUpload(batch:fileID:now:)``. A crash before it leaves
///    `planned`: the upload is done again (at worst an orphan file; never a second batch).
/// 3. After the create answers, ``recordCreated(batch:batchID:now:)``. A crash before it leaves
///    `uploaded`; whoever resumes **lists the provider's batches and looks for the tag first**,
///    and records the one found instead of creating another. Only when no batch carries the tag is
///    one created.
/// 4. Each poll is recorded (``recordRemoteStatus(batch:_:now:)``); a final status moves it to
///    `ended`.
/// 5. Downloaded answers are written through the outcome writer, whose exactly-once rule marks a
///    line done in the transaction that commits its output; a line done is never written again,
///    so a download repeated after a crash writes only what was not recorded.
/// 6. ``finishRemoteBatch(batch:now:)`` moves it to `recorded` and releases the lines that got no
///    answer (expired, cancelled, failed validation) in the same transaction, for a new batch or
///    the live path.
extension Store {
    /// Records the intent of a remote batch for `plan`'s lines of `job`; throws
    /// ``RemoteBatchConflict`` (recording nothing) when a line is done or in another remote batch.
    public func planRemoteBatch(job id: Int64, _ plan: RemoteBatchPlan, now: Timestamp) async throws
        -> RemoteBatchRecord
    {
        try await writing { tx in
            let row = try tx.insertRemoteBatch(job: id, plan, now: now)
            guard let record = try tx.remoteBatch(row) else { throw RemoteBatchMissing(id: row) }
            return record
        }
    }

    /// Records that `batch`'s input file was uploaded as `fileID`.
    public func recordUpload(batch: Int64, fileID: String, now: Timestamp) async throws {
        try await writing { try $0.advanceRemoteBatch(batch, to: .uploaded, inputFileID: fileID, now: now) }
    }

    /// Records that the provider batch `batchID` exists for `batch` (created, or found by its tag).
    public func recordCreated(batch: Int64, batchID: String, now: Timestamp) async throws {
        try await writing { try $0.advanceRemoteBatch(batch, to: .created, batchID: batchID, now: now) }
    }

    /// Records what a poll said; a final status (``RemoteBatchStatus/isFinal``) moves it to `ended`.
    public func recordRemoteStatus(batch: Int64, _ status: RemoteBatchStatus, now: Timestamp) async throws {
        try await writing { tx in
            try tx.advanceRemoteBatch(batch, to: status.isFinal ? .ended : .created, status: status, now: now)
        }
    }

    /// Marks `batch` recorded and releases its lines that are still pending; returns how many were.
    public func finishRemoteBatch(batch: Int64, now: Timestamp) async throws -> Int {
        try await writing { tx in
            guard let record = try tx.remoteBatch(batch) else { throw RemoteBatchMissing(id: batch) }
            try tx.advanceRemoteBatch(batch, to: .recorded, now: now)
            return try tx.releaseRemoteBatchLines(job: record.job, batch: batch)
        }
    }

    /// The pending requests `batch` of `job` holds, in line order: what its upload carries and what
    /// its answers may still be recorded for (a line done is not among them).
    public func remoteBatchPending(job id: Int64, batch: Int64) async throws -> [PendingRequest] {
        try await reading { try $0.remoteBatchPending(job: id, batch: batch) }
    }

    /// `job`'s remote batches, by part.
    public func remoteBatches(job id: Int64) async throws -> [RemoteBatchRecord] {
        try await reading { try $0.remoteBatches(job: id) }
    }

    /// Releases every pending line of `job` from the remote batch that holds it (a user's cancel:
    /// the lines then get `cancelled` error lines like the rest); returns how many were released.
    public func releaseRemoteLines(job id: Int64) async throws -> Int {
        try await writing { try $0.releaseRemoteLines(job: id) }
    }

    /// The lines `batch` of `job` holds or answered (once recorded, its unanswered ones are released).
    public func remoteBatchLines(job id: Int64, batch: Int64) async throws -> [Int] {
        try await reading { try $0.remoteBatchLines(job: id, batch: batch) }
    }
}

extension RemoteBatchStatus {
    /// Whether the provider will not change this batch any more.
    public var isFinal: Bool { ["completed", "failed", "expired", "cancelled"].contains(status) }
}
