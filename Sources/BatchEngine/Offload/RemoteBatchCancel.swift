import BatchCore
import BatchStore

/// A user's cancel reaching the provider: every remote batch of the job that may still run there
/// is cancelled (`POST /batches/{id}/cancel`), and the lines the batches hold are released, so the
/// cancel gives them `cancelled` error lines like every other line without an answer.
///
/// Who calls it: the process that finishes the cancel, whichever it is. A running job's process
/// (the daemon, a `batchctl run`) does it when it sees the request; for a job no process runs,
/// `batchctl cancel` calls the provider itself with the recorded batch ids. It does not leave a
/// request for a later run: a cancelled job is final, so no later run would ever carry it out.
///
/// A batch still `uploaded` (a crash may have come between create and record) is first looked up
/// by its tag. Failures (the provider unreachable, the batch ended meanwhile) are returned, not
/// thrown: the local cancel goes on either way, and the caller says which batches may still run.
enum RemoteBatchCancel {
    /// Cancels `job`'s unfinished remote batches at the provider, records what it says, and
    /// releases their lines; returns one message per batch the cancel did not reach.
    static func run(job: Int64, store: Store, api: (any RemoteBatchAPI)?, clock: any BatchClock) async throws
        -> [String]
    {
        var problems: [String] = []
        for batch in try await store.remoteBatches(job: job)
        where batch.step == .uploaded || batch.step == .created {
            guard let api else {
                problems.append("remote batch \(batch.batchID ?? batch.tag): no endpoint to cancel it at")
                continue
            }
            do {
                var batchID = batch.batchID
                if batchID == nil, let found = try await api.findBatch(tag: batch.tag) {
                    try await store.recordCreated(batch: batch.id, batchID: found, now: clock.now)
                    batchID = found
                }
                guard let batchID else { continue }
                try await api.cancel(batchID: batchID)
                let snapshot = try await api.retrieve(batchID: batchID)
                try await store.recordRemoteStatus(batch: batch.id, snapshot.status, now: clock.now)
            } catch {
                problems.append("remote batch \(batch.batchID ?? batch.tag): \(error)")
            }
        }
        _ = try await store.releaseRemoteLines(job: job)
        return problems
    }
}
