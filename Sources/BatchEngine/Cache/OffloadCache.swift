import BatchCore
import BatchStore
import BatchThreads

/// The answer cache as the Batch API offload (`via batch` or `auto`) sees it.
///
/// - **Hits stay home.** A pending line whose answer the cache holds (an entry young enough whose
///   line is intact, or its kept body) is not put in a batch: it stays pending, and the live run
///   that follows the offload answers it from the cache, never sending it (``DispatchLoop``'s
///   lookup, with its checks and its crash rule).
/// - **Repeats ride once.** A line whose key repeats a line already put in a batch by this split
///   stays pending too: once that batch is recorded its answer is an entry, and the live run
///   answers the repeat from it (or sends it, if the first line failed).
/// - **Batch answers are cached.** Each 2xx answer a batch brings back is recorded with its line's
///   key, in the same commit as its line, as the live run records its own answers.
///
/// Keys are those of the live run (``DispatchLoop/key(of:prefix:sender:mode:)``): the same
/// request has the same key whichever way it was sent, as its answer is the same.
struct OffloadCache: Sendable {
    let lookup: CacheLookup
    let sender: RequestSender

    /// The cache key of `request` under the job's mode, or nil when it is not cached.
    func key(of request: PendingRequest) -> Int64? {
        guard let path = APIPath(rawValue: request.path),
            let target = AnswerKey.target(endpoint: sender.endpoint, path: path, model: request.model)
        else { return nil }
        return DispatchLoop.key(
            of: request, prefix: AnswerKey.prefix(target: target), sender: sender, mode: lookup.mode)?.key
    }

    /// Of `keys`, those whose answer the cache holds now: an entry no older than the cache's
    /// maximum age whose line is intact, or which kept its body.
    func held(_ keys: [Int64], store: Store, now: Timestamp) async throws -> Set<Int64> {
        guard !keys.isEmpty else { return [] }
        let notBefore = Timestamp(milliseconds: now.milliseconds - lookup.maxAge.milliseconds)
        let entries = try await store.cachedAnswers(keys: keys, notBefore: notBefore)
        guard !entries.isEmpty else { return [] }
        let reader = lookup.reader
        return try await BlockingWork.run {
            Set(
                entries.compactMap { key, entry in
                    entry.keptBody != nil || reader.line(entry) != nil ? key : nil
                })
        }
    }
}
