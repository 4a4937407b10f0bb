import BatchCore
import BatchStore

extension JobReport {
    /// What the answer cache saved a job: lines answered from an earlier answer (of an earlier job,
    /// or of another line of this one), never sent; the tokens those answers reported, per model;
    /// and what those tokens would have cost at the live price (`null` when a model has no price).
    public struct CacheReport: Codable, Sendable, Equatable {
        public var hits: Int
        public var tokensSaved: [String: ModelTokens]
        public var costSavedUSD: Double?

        enum CodingKeys: String, CodingKey {
            case hits
            case tokensSaved = "tokens_saved"
            case costSavedUSD = "cost_saved_usd"
        }
    }

    /// Adds the job's cache savings (``Store/cacheSavings(job:)``); a hit is no attempt, so the
    /// retries count leaves the hits out.
    public mutating func add(savings: [ModelUsage], prices: PriceTable) {
        let hits = savings.reduce(0) { $0 + $1.requests }
        var usd: Double? = 0
        for model in savings {
            let cost = SpendingCap.cost(model.usage, price: prices.price(of: model.model)?.price)
            usd = cost.flatMap { spent in usd.map { $0 + spent } }
        }
        cache = CacheReport(
            hits: hits,
            tokensSaved: Dictionary(
                uniqueKeysWithValues: savings.map {
                    (
                        $0.model,
                        ModelTokens(
                            requests: $0.requests, promptTokens: $0.usage.promptTokens,
                            completionTokens: $0.usage.completionTokens, totalTokens: $0.usage.totalTokens,
                            estimatedTokens: 0)
                    )
                }),
            costSavedUSD: usd.map { ($0 * 1_000_000).rounded() / 1_000_000 })
        retries = max(0, attempts - (succeeded - hits) - failed)
    }
}
