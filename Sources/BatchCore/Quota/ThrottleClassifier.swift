/// Tells a lane's quota 429s from its capacity 429s (``ThrottleCause``), so that random 429s and
/// peak-load refusals do not pause and narrow a lane whose quota is not spent.
///
/// A pure value: it keeps the outcomes of the lane's last ``historyLength`` answers (successes and
/// 429s; other failures say nothing about quota) and reads no clock.
///
/// ## Rules, in order
/// 1. A body that speaks of capacity, not of a rate limit (``ThrottleSignal/saysCapacity(body:)``):
///    **capacity**.
/// 2. Headers that name an exhausted limit (`x-ratelimit-remaining-requests: 0` or
///    `…-tokens: 0`; a 0 on a 429 is trusted, on a success it is not): **quota**.
/// 3. At least ``clusterCount`` of the last ``historyLength`` answers (this 429 included) were
///    429s: **quota**. A server whose limit is exceeded refuses every request until it refills, so
///    quota 429s come in runs; random ones are spread among successes.
/// 4. The lane knows a budget (configured, announced, measured or learned) and its buckets still
///    hold the request's cost: the lane paced within the limit, so **capacity**. Its buckets spent:
///    the lane sends at the edge of its limit, so **quota**.
/// 5. Otherwise (no budget known, a lone 429 amid successes): **capacity**.
///
/// Random 429s at a share p among answers reach rule 3 when at least two of the seven answers
/// before were 429s too: 1 − (1−p)⁷ − 7p(1−p)⁶, 1.7 % of them at p = 3 %, 15 % at p = 10 %. A limit exceeded at
/// concurrency c draws c 429s in a row, so rule 3 pauses the lane at its third 429 at the latest.
///
/// ## Worked example
/// A lane with no budget known, answers in order (S success, T 429 without headers or wording):
///
/// | answers (oldest first) | this 429's history | rule | cause           |
/// |------------------------|--------------------|------|-----------------|
/// | S S S S S S S T        | 1 of 8             | 5    | capacity (lone) |
/// | S S S S S T S T        | 2 of 8             | 5    | capacity (lone) |
/// | S S S T S T S T        | 3 of 8             | 3    | quota           |
/// | S S S S S S T T T      | 3 of 8             | 3    | quota           |
public struct ThrottleClassifier: Sendable, Equatable {
    /// How many of the lane's latest answers rule 3 looks at.
    public static let historyLength = 8
    /// How many 429s among them make a run.
    public static let clusterCount = 3

    /// Bit i set: the i-th latest answer was a 429 (bit 0 the latest).
    private var history: UInt8 = 0

    public init() {}

    /// A success: the server admitted a request.
    public mutating func admitted() {
        history <<= 1
    }

    /// Classifies a 429 and records it. `budgetHoldsQuota` is what the lane's budget says at its
    /// arrival (``LaneBudget/holdsQuota(cost:now:)``): nil when no budget is known.
    public mutating func classify(_ signal: ThrottleSignal, budgetHoldsQuota: Bool?) -> ThrottleCause {
        history = history << 1 | 1
        if signal.bodySaysCapacity { return .capacity(.wording) }
        if signal.headers.remainingRequests == 0 || signal.headers.remainingTokens == 0 {
            return .quota(.exhaustedHeader)
        }
        if history.nonzeroBitCount >= Self.clusterCount { return .quota(.clustered) }
        switch budgetHoldsQuota {
        case true?: return .capacity(.budgetLeft)
        case false?: return .quota(.budgetSpent)
        case nil: return .capacity(.lone)
        }
    }
}
