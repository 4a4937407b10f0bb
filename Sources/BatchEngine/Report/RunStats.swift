import BatchCore

/// What a job's runs add up that its requests do not hold: each lane's answer latencies and
/// learned limits, the 10-second timeline, and the time spent sending against the time spent
/// waiting. A pure value; ``RunStatsRecorder`` feeds it during a run and saves it in the store
/// (`run_stats`), where the next run starts from it, so the report covers every run of the job.
///
/// Time accounting: the dispatch loop's passes split the run's sending phase into spans; a span
/// in which at least one request was in flight counts as *sending*, any other as *waiting* (for
/// the lanes' quota: a window, a budget, a 429 pause, or a retry's backoff).
public struct RunStats: Sendable, Codable, Equatable {
    /// Per lane, by its name (`endpoint/model`).
    public var lanes: [String: Lane] = [:]
    public var timeline = RunTimeline()
    /// Milliseconds with at least one request in flight.
    public var sendingMilliseconds: Int64 = 0
    /// Milliseconds with none in flight while requests were left to send.
    public var waitingMilliseconds: Int64 = 0

    /// One lane's latencies and what it learned.
    public struct Lane: Sendable, Codable, Equatable {
        /// Latency of every answer (successes, errors and 429s alike).
        public var latency = LatencyHistogram()
        /// The lane's limits when the job's last run saved them.
        public var limits: LearnedLimits?

        public init() {}
    }

    /// A lane's limits as its ``LaneQuota`` knew them: the adaptive window of requests in flight
    /// under its cap, and the per-minute budgets (configured, announced or measured), if known.
    public struct LearnedLimits: Sendable, Codable, Equatable {
        public var window: Int
        public var concurrency: Int
        public var requestsPerMinute: Double?
        public var tokensPerMinute: Double?

        public init(window: Int, concurrency: Int, requestsPerMinute: Double?, tokensPerMinute: Double?) {
            self.window = window
            self.concurrency = concurrency
            self.requestsPerMinute = requestsPerMinute
            self.tokensPerMinute = tokensPerMinute
        }

        public init(_ quota: LaneQuota) {
            self.init(
                window: quota.window, concurrency: quota.settings.concurrency,
                requestsPerMinute: quota.budget.requests.map { ($0.ratePerSecond * 60).rounded() },
                tokensPerMinute: quota.budget.tokens.map { ($0.ratePerSecond * 60).rounded() })
        }

        enum CodingKeys: String, CodingKey {
            case window, concurrency
            case requestsPerMinute = "rpm"
            case tokensPerMinute = "tpm"
        }
    }

    public init() {}

    /// An answer of `lane` came back after `latency`.
    public mutating func answered(
        lane: String, latency: Duration, throttled: Bool, tokens: Int, now: Timestamp
    ) {
        lanes[lane, default: Lane()].latency.record(milliseconds: latency.wholeMillisecondsRoundedUp)
        timeline.update(at: now) {
            if throttled { $0.throttled += 1 }
            $0.tokens += tokens
        }
    }

    /// A line was recorded: succeeded, or failed.
    public mutating func finished(succeeded: Bool, now: Timestamp) {
        timeline.update(at: now) {
            $0.finished += 1
            if !succeeded { $0.failed += 1 }
        }
    }

    /// A span of `milliseconds` passed, with requests in flight (`sending`) or none.
    public mutating func spent(_ milliseconds: Int64, sending: Bool) {
        guard milliseconds > 0 else { return }
        if sending { sendingMilliseconds += milliseconds } else { waitingMilliseconds += milliseconds }
    }

    /// This document with `other`'s counts added; `other`'s learned limits win (they are later).
    public func adding(_ other: RunStats) -> RunStats {
        var sum = self
        for (name, lane) in other.lanes {
            sum.lanes[name, default: Lane()].latency.add(lane.latency)
            if let limits = lane.limits { sum.lanes[name]!.limits = limits }
        }
        sum.timeline.add(other.timeline)
        sum.sendingMilliseconds += other.sendingMilliseconds
        sum.waitingMilliseconds += other.waitingMilliseconds
        return sum
    }

    enum CodingKeys: String, CodingKey {
        case lanes, timeline
        case sendingMilliseconds = "sending_ms"
        case waitingMilliseconds = "waiting_ms"
    }
}
