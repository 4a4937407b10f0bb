import BatchCore

/// A lane's per-minute budgets: a request bucket and a token bucket (see `TokenBucket`), each
/// present when its limit is configured, learned from the server's headers, or estimated after a
/// 429.
///
/// Rules, in order of trust:
/// 1. A configured limit is used as is and never replaced by what the server says.
/// 2. `x-ratelimit-limit-requests|tokens` (OpenAI) set an unconfigured budget.
/// 3. `x-ratelimit-remaining-*` above 0 on an answer lower the bucket's level when the server
///    has less left than the bucket thinks (values of 0 or below on a success are not trusted).
/// 4. After a 429 with no request budget known, the rate of successes over the last seconds
///    becomes the request budget (the server let exactly that many through), then rises by 2 %
///    per second without a 429 to find any headroom (additive increase), and is cut to the
///    observed rate again at the next 429 (multiplicative decrease).
/// Every 429 also empties both buckets, so sending resumes at the budget's rate, not in a burst.
struct LaneBudget: Sendable {
    private(set) var requests: TokenBucket?
    private(set) var tokens: TokenBucket?
    private let configured: LaneSettings
    private var learnedFromHeaders = false
    private var estimated = false
    private var successes: [Timestamp] = []
    private var lastIncrease: Timestamp?
    /// How far back successes are counted to estimate the admitted rate.
    static let window: Int64 = 5000

    init(settings: LaneSettings, now: Timestamp) {
        configured = settings
        requests = settings.rpm.map { TokenBucket.perMinute($0, now: now) }
        tokens = settings.tpm.map { TokenBucket.perMinute($0, now: now) }
    }

    /// How long a request of `cost` tokens must wait for the budgets; zero when it may go now.
    func wait(cost: Int, now: Timestamp) -> Duration {
        let byRequests = requests?.wait(for: 1, now: now) ?? .zero
        let byTokens = tokens?.wait(for: Double(cost), now: now) ?? .zero
        return max(byRequests, byTokens)
    }

    mutating func charge(cost: Int, now: Timestamp) {
        requests?.take(1, now: now)
        tokens?.take(Double(cost), now: now)
    }

    mutating func succeeded(now: Timestamp) {
        successes.append(now)
        if successes.count > 4096 || (successes.first.map { now.milliseconds - $0.milliseconds > Self.window } ?? false) {
            successes.removeAll { now.milliseconds - $0.milliseconds > Self.window }
        }
        if estimated, let bucket = requests, let last = lastIncrease, now.milliseconds - last.milliseconds >= 1000 {
            let rate = bucket.ratePerSecond * 1.02
            requests?.setRate(perSecond: rate, capacity: max(1, rate), now: now)
            lastIncrease = now
        }
    }

    mutating func throttled(now: Timestamp) {
        if configured.rpm == nil && !learnedFromHeaders {
            let recent = successes.filter { now.milliseconds - $0.milliseconds <= Self.window }
            if let first = recent.first, recent.count >= 2 {
                let seconds = max(0.5, Double(now.milliseconds - first.milliseconds) / 1000)
                let rate = Double(recent.count) / seconds
                if requests == nil {
                    requests = TokenBucket(ratePerSecond: rate, capacity: max(1, rate), now: now)
                } else {
                    let current = requests!.ratePerSecond
                    requests?.setRate(perSecond: min(rate, current), capacity: max(1, rate), now: now)
                }
                estimated = true
                lastIncrease = now
            }
        }
        requests?.empty(now: now)
        tokens?.empty(now: now)
    }

    mutating func observe(_ headers: RateLimitHeaders, success: Bool, now: Timestamp) {
        if configured.rpm == nil, let limit = headers.limitRequests, limit > 0 {
            let rate = Double(limit) / 60 * 0.99
            if requests == nil { requests = TokenBucket.perMinute(limit, now: now) }
            requests?.setRate(perSecond: rate, capacity: max(1, rate), now: now)
            learnedFromHeaders = true
            estimated = false
        }
        if configured.tpm == nil, let limit = headers.limitTokens, limit > 0 {
            let rate = Double(limit) / 60 * 0.99
            if tokens == nil { tokens = TokenBucket.perMinute(limit, now: now) }
            tokens?.setRate(perSecond: rate, capacity: max(1, rate), now: now)
        }
        guard success else { return }
        if let remaining = headers.remainingRequests, remaining > 0 {
            requests?.clamp(toAtMost: Double(remaining), now: now)
        }
        if let remaining = headers.remainingTokens, remaining > 0 {
            tokens?.clamp(toAtMost: Double(remaining), now: now)
        }
    }
}
