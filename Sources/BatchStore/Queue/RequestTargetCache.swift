/// An operation and model pair: one row of `request_targets`.
struct RequestTargetKey: Hashable {
    var path: String
    var model: String
}

/// The `request_targets` ids one transaction has looked up.
///
/// Lives exactly as long as its ``QueueTransaction``, so an id is never used after the
/// transaction that found (or added) it was rolled back. Bounded: past `limit` entries it starts
/// over, so a file with a new model on every line costs a lookup per line, not unbounded memory.
final class RequestTargetCache {
    private(set) var ids: [RequestTargetKey: Int64] = [:]
    /// The last pair looked up: consecutive lines nearly always share it.
    private var last: (key: RequestTargetKey, id: Int64)?
    let limit: Int

    init(limit: Int = 256) {
        self.limit = limit
    }

    /// The id remembered for `key`, if any.
    func id(for key: RequestTargetKey) -> Int64? {
        if let last, last.key == key { return last.id }
        guard let id = ids[key] else { return nil }
        last = (key, id)
        return id
    }

    func remember(_ key: RequestTargetKey, _ id: Int64) {
        if ids.count >= limit { ids.removeAll(keepingCapacity: true) }
        ids[key] = id
        last = (key, id)
    }
}
