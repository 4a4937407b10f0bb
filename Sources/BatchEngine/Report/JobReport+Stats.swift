import BatchCore
import BatchStore

extension JobReport {
    /// One lane's answer latencies over every run of the job, in milliseconds (HDR histogram,
    /// within 0.1 %), and the limits it had learned when the last run saved them.
    public struct LaneReport: Codable, Sendable, Equatable {
        public var answers: Int
        public var p50: Int64
        public var p90: Int64
        public var p99: Int64
        public var max: Int64
        public var limits: RunStats.LearnedLimits?

        public init(_ lane: RunStats.Lane) {
            answers = lane.latency.count
            p50 = lane.latency.value(atPercentile: 50)
            p90 = lane.latency.value(atPercentile: 90)
            p99 = lane.latency.value(atPercentile: 99)
            max = lane.latency.max
            limits = lane.limits
        }

        enum CodingKeys: String, CodingKey {
            case answers, limits
            case p50 = "p50_ms"
            case p90 = "p90_ms"
            case p99 = "p99_ms"
            case max = "max_ms"
        }
    }

    /// What one model's answers cost: their reported tokens at the rates of the tier they were
    /// sent at (`live`: batchd sends to the synchronous API). `usd` is `nil` ("no price") when
    /// the table has no rate the tokens need, never 0 for an unknown price.
    public struct ModelCost: Codable, Sendable, Equatable {
        public var tier: String
        public var usd: Double?
        /// The price table entry the model was priced as (an alias or an undated name resolves).
        public var pricedAs: String?

        public init(tier: String, usd: Double?, pricedAs: String?) {
            self.tier = tier
            self.usd = usd
            self.pricedAs = pricedAs
        }

        enum CodingKeys: String, CodingKey {
            case tier, usd
            case pricedAs = "priced_as"
        }
    }

    /// Seconds of the sending phase with requests in flight, against seconds with none in flight
    /// while requests were left (waiting for quota, a 429 pause or a retry's backoff).
    public struct TimeSplit: Codable, Sendable, Equatable {
        public var sendingSeconds: Double
        public var waitingSeconds: Double

        enum CodingKeys: String, CodingKey {
            case sendingSeconds = "sending_seconds"
            case waitingSeconds = "waiting_for_quota_seconds"
        }
    }

    /// One 10-second interval of the timeline (see ``RunTimeline``).
    public struct TimelinePoint: Codable, Sendable, Equatable {
        public var start: String
        public var finished: Int
        public var failed: Int
        public var throttled: Int
        public var tokens: Int

        public init(_ interval: RunTimeline.Interval) {
            start = JobReport.iso8601(Timestamp(milliseconds: interval.start))
            finished = interval.finished
            failed = interval.failed
            throttled = interval.throttled
            tokens = interval.tokens
        }
    }

    /// Adds latencies, limits, time split and timeline from `stats`, and each model's cost at
    /// `prices`: the part of `usage` answered through the Batch API (`batchUsage`) at the batch
    /// price, the rest at the live price. A model with no live answers has no live cost entry.
    public mutating func add(
        stats: RunStats, usage: [ModelUsage], prices: PriceTable, batchUsage: [ModelUsage] = [],
        lines: TierLines? = nil
    ) {
        lanes = stats.lanes.mapValues(LaneReport.init)
        let batched = Dictionary(batchUsage.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        cost = Dictionary(
            uniqueKeysWithValues: usage.compactMap { model in
                var live = model
                if let batch = batched[model.model] {
                    live.requests -= batch.requests
                    live.usage.promptTokens -= batch.usage.promptTokens
                    live.usage.completionTokens -= batch.usage.completionTokens
                    live.usage.totalTokens -= batch.usage.totalTokens
                    guard live.requests > 0 else { return nil }
                }
                return (model.model, Self.cost(live.usage, model: model.model, tier: .live, prices: prices))
            })
        if !batchUsage.isEmpty {
            batchCost = Dictionary(
                uniqueKeysWithValues: batchUsage.map {
                    ($0.model, Self.cost($0.usage, model: $0.model, tier: .batch, prices: prices))
                })
            batchTokens = Dictionary(
                uniqueKeysWithValues: batchUsage.map {
                    (
                        $0.model,
                        ModelTokens(
                            requests: $0.requests, promptTokens: $0.usage.promptTokens,
                            completionTokens: $0.usage.completionTokens, totalTokens: $0.usage.totalTokens,
                            estimatedTokens: 0)
                    )
                })
        }
        linesByTier = lines.map { LinesByTier(live: $0.live, batch: $0.batch) }
        time = TimeSplit(
            sendingSeconds: Double(stats.sendingMilliseconds) / 1000,
            waitingSeconds: Double(stats.waitingMilliseconds) / 1000)
        timeline = stats.timeline.ordered.map(TimelinePoint.init)
    }

    private static func cost(_ usage: TokenUsage, model: String, tier: PriceTier, prices: PriceTable)
        -> ModelCost
    {
        let found = prices.price(of: model)
        let usd = SpendingCap.cost(usage, price: found?.price, tier: tier).map {
            ($0 * 1_000_000).rounded() / 1_000_000
        }
        return ModelCost(tier: tier.rawValue, usd: usd, pricedAs: found?.name)
    }
}
