import BatchCore
import BatchStore
import Foundation

/// The dispatch loop's hand on the job's ``RunStats``: starts from what the job's earlier runs
/// saved, records this run's answers, lines and time spans, and saves the whole document back
/// (at each lease renewal and when the loop ends: a crash loses at most the spans, latencies and
/// timeline counts since the last save; the report's counts, tokens and costs come from the
/// requests and are exact whatever happens).
///
/// Owned by the dispatch loop (one task): not thread-safe, no lock needed.
final class RunStatsRecorder {
    private let jobID: Int64
    private let store: Store
    /// The process's metrics, when served.
    private let metrics: EngineMetrics?
    private(set) var stats: RunStats
    private var lastPass: (time: Timestamp, sending: Bool)?
    /// The lanes this run answered on, by name.
    private var lanesUsed: [String: LaneKey] = [:]

    init(jobID: Int64, store: Store, stats: RunStats, metrics: EngineMetrics? = nil) {
        self.jobID = jobID
        self.store = store
        self.stats = stats
        self.metrics = metrics
    }

    /// A recorder that starts from what `store` holds for `job` (nothing, or a document it cannot
    /// read, starts from empty statistics: they are a report's, never a reason to stop a job).
    static func load(job: Int64, store: Store, metrics: EngineMetrics?) async throws -> RunStatsRecorder {
        RunStatsRecorder(
            jobID: job, store: store, stats: try await RunStats.load(job: job, store: store), metrics: metrics
        )
    }

    /// A send of `item` came back with `result`.
    func record(_ item: DispatchItem, _ result: RequestSender.Result, now: Timestamp) {
        let answer: HTTPAnswer
        switch result {
        case .attempt(.answer(let one)), .packed(.answer(let one), _): answer = one
        default: return
        }
        guard let latency = answer.latency else { return }
        let name = item.lane.description
        lanesUsed[name] = item.lane
        let usage = answer.usage
        stats.answered(
            lane: name, latency: latency, throttled: answer.status == 429, tokens: usage?.totalTokens ?? 0,
            now: now)
        metrics?.answered(item.lane, status: answer.status, latency: latency, usage: usage)
    }

    /// The line of `item` was recorded, after `attempt`.
    func finished(_ item: DispatchItem, _ attempt: AttemptResult, succeeded: Bool, now: Timestamp) {
        stats.finished(succeeded: succeeded, now: now)
        guard let metrics else { return }
        if case .answer(let answer) = attempt {
            metrics.finished(item.lane, status: answer.status)
        } else {
            metrics.finished(item.lane, status: nil)
        }
    }

    /// `item` will be sent again.
    func retried(_ item: DispatchItem) {
        metrics?.retried(item.lane)
    }

    /// A pass of the loop at `now` left `inFlight` requests in flight: the span since the last
    /// pass counts as sending or waiting by how the last pass left it.
    func pass(now: Timestamp, inFlight: Int) {
        if let last = lastPass {
            stats.spent(now.milliseconds - last.time.milliseconds, sending: last.sending)
        }
        lastPass = (now, inFlight > 0)
    }

    /// Saves the statistics, with the current limits of `lanes`' lanes that this job used.
    func save(lanes: SharedLanes) async throws {
        for (name, key) in lanesUsed {
            guard let quota = lanes.quota(key) else { continue }
            stats.lanes[name, default: RunStats.Lane()].limits = RunStats.LearnedLimits(quota)
        }
        try await stats.save(job: jobID, store: store)
    }
}

extension RunStats {
    /// What `store` holds for `job`; empty statistics when it holds nothing it can read.
    public static func load(job: Int64, store: Store) async throws -> RunStats {
        guard let text = try await store.runStats(job: job) else { return RunStats() }
        return (try? JSONDecoder().decode(RunStats.self, from: Data(text.utf8))) ?? RunStats()
    }

    /// Replaces what `store` holds for `job` with this document.
    public func save(job: Int64, store: Store) async throws {
        let data = try JSONEncoder().encode(self)
        try await store.saveRunStats(job: job, stats: String(decoding: data, as: UTF8.self))
    }
}
