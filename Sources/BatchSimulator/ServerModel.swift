/// How the simulated server's latency depends on how many requests it serves at once.
///
/// Real inference servers are not a fixed delay: vLLM, TEI and infinity batch the requests they
/// hold, so latency rises with concurrency while throughput keeps rising up to their batch size;
/// a server of a few workers answers in fixed time until they are all busy, then queues.
public enum ServerModel: Sendable, Equatable {
    /// Every answer after ``SimulatorConfiguration/latency``, whatever the load (the default).
    case fixed
    /// A batching server: at most `maxBatch` requests in service together; a request that starts
    /// while n are in service (itself included) takes `latency + perRequest × n`; more requests
    /// wait, first come first served. At concurrency c ≤ `maxBatch` it serves
    /// c / (latency + perRequest × c) requests a second, rising with c up to `maxBatch`.
    case batching(perRequest: Duration, maxBatch: Int)
    /// `slots` workers, each answering after ``SimulatorConfiguration/latency``; more requests
    /// wait, first come first served: throughput plateaus at `slots / latency` while latency keeps
    /// growing with the queue.
    case plateau(slots: Int)
}

/// When each answer of a ``ServerModel`` is ready, as the server admits requests. A pure value
/// (times in nanoseconds, passed in): it keeps when each request in service ends.
///
/// Worked example, `.plateau(slots: 2)`, latency 100 ms, four requests arriving at 0 ms:
///
/// | request | starts  | ends    | delay  |
/// |---------|---------|---------|--------|
/// | 1       | 0 ms    | 100 ms  | 100 ms |
/// | 2       | 0 ms    | 100 ms  | 100 ms |
/// | 3       | 100 ms  | 200 ms  | 200 ms |
/// | 4       | 100 ms  | 200 ms  | 200 ms |
///
/// and `.batching(perRequest: 10 ms, maxBatch: 4)`, latency 20 ms, three arriving at 0 ms take
/// 30, 40 and 50 ms (one, two, three in service when each starts).
struct ServiceSchedule: Sendable {
    let model: ServerModel
    let latencyNanoseconds: Int64
    /// When each request in service (or waiting for a slot) ends, at most one per slot.
    private var ends: [UInt64] = []

    init(model: ServerModel, latency: Duration) {
        self.model = model
        let (seconds, attoseconds) = latency.components
        latencyNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Admits a request at `now`: nanoseconds until its answer is ready.
    mutating func admit(now: UInt64) -> Int64 {
        let slots: Int
        var perRequest: Int64 = 0
        switch model {
        case .fixed: return latencyNanoseconds
        case .plateau(let count): slots = max(1, count)
        case .batching(let step, let maxBatch):
            slots = max(1, maxBatch)
            let (seconds, attoseconds) = step.components
            perRequest = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        }
        ends.removeAll { $0 <= now }
        var start = now
        if ends.count >= slots, let earliest = ends.indices.min(by: { ends[$0] < ends[$1] }) {
            start = ends[earliest]
            ends.remove(at: earliest)
        }
        let inService = ends.count(where: { $0 > start }) + 1
        let end = start + UInt64(max(0, latencyNanoseconds + perRequest * Int64(inService)))
        ends.append(end)
        return Int64(end - now)
    }
}
