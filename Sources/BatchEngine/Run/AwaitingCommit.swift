import BatchCore

/// Requests whose output line is written but not committed yet.
///
/// They keep their lane slot until the commit, so that at any instant at most `concurrency`
/// requests per lane are either on the wire or answered but unrecorded: a crash then re-sends at
/// most `concurrency` requests per lane. The loop flushes as soon as half the occupied slots wait
/// for the commit: waiting until all of them did would let the requests on the wire dwindle to
/// none before every commit (measured: about 12 % fewer requests per second at concurrency 64).
struct AwaitingCommit {
    private(set) var items: [(item: DispatchItem, succeeded: Bool)] = []

    var count: Int { items.count }

    mutating func append(_ item: DispatchItem, succeeded: Bool) {
        items.append((item, succeeded))
    }

    /// Releases every slot after a commit.
    mutating func release(into state: inout DispatchState, now: Timestamp) {
        for entry in items { state.finished(entry.item, succeeded: entry.succeeded, now: now) }
        items.removeAll(keepingCapacity: true)
    }
}
