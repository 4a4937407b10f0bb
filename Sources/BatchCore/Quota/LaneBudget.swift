/// A lane's per-minute budgets: a request bucket and a token bucket (``TokenBucket``), each present
/// once its limit is known: configured, announced by the server, or measured after 429s.
///
/// Rules, in order of trust, for each of the two limits:
/// 1. **Configured** (config file or `--rpm`/`--tpm`): used as is, never replaced.
/// 2. **Announced**: `x-ratelimit-limit-requests|tokens` (OpenAI) set the budget to 99 % of it.
/// 3. **Measured** (Azure sends only `x-ratelimit-remaining-*`): with no limit known the lane sends
///    as fast as its concurrency allows. The first 429 that the limit caused starts a *probe*: the
///    lane keeps the server saturated (obeying each `retry-after`) for ``probeSeconds`` while it
///    counts the answers the server admits. A saturated token bucket admits exactly its refill
///    rate, so that count over the time is the limit; the budget becomes 98 % of it. Afterwards
///    the budget rises by 1 % per second without a 429 (to find headroom left by a short probe),
///    and each later 429 sets it back to the rate admitted over the last 3 s (at most the rate that
///    just drew the 429). Which limit a 429 is about comes from its remaining headers: a `0` names
///    the exhausted one (a 0 on a 429 is trusted; on a success it is not); with none, both.
/// 4. `x-ratelimit-remaining-*` above 0 on a success lower a bucket's level when the server has
///    less left than the bucket believes (shared keys, another client on the same deployment).
///
/// Every 429 also empties both buckets, so sending resumes at the budget's pace, not in a burst.
///
/// Worked example, Azure style, 6,000 RPM (100/s), nothing configured, 64 requests in flight:
///
/// | time    | event                                  | request budget               |
/// |---------|----------------------------------------|------------------------------|
/// | 0–0.4 s | full server bucket absorbs the burst   | none                         |
/// | 0.4 s   | 429, `remaining-requests: 0`           | probe starts                 |
/// | 0.4–2.4 | saturated: 200 answers admitted in 2 s | probe                        |
/// | 2.4 s   | probe ends                             | 98/s (98 % of 100)           |
/// | 4.4 s   | two seconds without a 429              | 99.96/s                      |
/// | 5.6 s   | 429: the last 3 s admitted 100/s       | 98/s again                   |
public struct LaneBudget: Sendable {
    public private(set) var requests: TokenBucket?
    public private(set) var tokens: TokenBucket?
    private var requestSource: Source
    private var tokenSource: Source
    private var admitted = AdmissionWindow()

    /// How long a probe keeps the server saturated to measure its limit.
    public static let probeSeconds: Int64 = 2
    /// Share of a measured limit used as the budget.
    public static let measuredShare = 0.98
    /// Share of a configured or announced limit used as the budget.
    public static let knownShare = 0.99

    enum Source: Sendable, Equatable {
        case unknown
        case configured
        case announced
        case probing(since: Timestamp)
        case measured(lastRaise: Timestamp, since: Timestamp)
    }

    public init(settings: LaneSettings, now: Timestamp) {
        requests = settings.rpm.map { TokenBucket.perMinute($0, now: now, safety: Self.knownShare) }
        tokens = settings.tpm.map { TokenBucket.perMinute($0, now: now, safety: Self.knownShare) }
        requestSource = settings.rpm == nil ? .unknown : .configured
        tokenSource = settings.tpm == nil ? .unknown : .configured
    }

    /// Whether the lane is measuring its limit right now (it then sends without a budget).
    public var isProbing: Bool {
        if case .probing = requestSource { return true }
        if case .probing = tokenSource { return true }
        return false
    }

    /// How long a request of `cost` tokens must wait for the budgets; zero when it may go now.
    public func wait(cost: Int, now: Timestamp) -> Duration {
        let byRequests = requests?.wait(for: 1, now: now) ?? .zero
        let byTokens = tokens?.wait(for: Double(cost), now: now) ?? .zero
        return max(byRequests, byTokens)
    }

    /// Charges a request that starts now.
    public mutating func charge(cost: Int, now: Timestamp) {
        requests?.take(1, now: now)
        tokens?.take(Double(cost), now: now)
    }

    /// Learns from an answer: its headers, and, for a success, that the server admitted `cost`.
    public mutating func observe(_ headers: RateLimitHeaders, success: Bool, cost: Int, now: Timestamp) {
        if requestSource != .configured, let limit = headers.limitRequests, limit > 0 {
            set(\.requests, perSecond: Double(limit) / 60 * Self.knownShare, startEmpty: false, now: now)
            requestSource = .announced
        }
        if tokenSource != .configured, let limit = headers.limitTokens, limit > 0 {
            set(\.tokens, perSecond: Double(limit) / 60 * Self.knownShare, startEmpty: false, now: now)
            tokenSource = .announced
        }
        guard success else { return }
        admitted.add(cost: cost, now: now)
        if let remaining = headers.remainingRequests, remaining > 0 {
            requests?.clamp(toAtMost: Double(remaining), now: now)
        }
        if let remaining = headers.remainingTokens, remaining > 0 {
            tokens?.clamp(toAtMost: Double(remaining), now: now)
        }
        advance(now: now)
    }

    /// A 429: starts or corrects a measurement for the limit it is about, and empties both buckets.
    public mutating func throttled(_ headers: RateLimitHeaders, now: Timestamp) {
        let (leftRequests, leftTokens) = (headers.remainingRequests, headers.remainingTokens)
        let requestsHit = leftRequests.map { $0 == 0 } ?? (leftTokens.map { $0 > 0 } ?? true)
        let tokensHit =
            leftTokens.map { $0 == 0 || (leftRequests ?? 0) > 0 } ?? (leftRequests.map { $0 > 0 } ?? true)
        if requestsHit { correct(\.requests, source: \.requestSource, measured: \.requests, now: now) }
        if tokensHit { correct(\.tokens, source: \.tokenSource, measured: \.tokens, now: now) }
        requests?.empty(now: now)
        tokens?.empty(now: now)
    }

    private mutating func correct(
        _ bucket: WritableKeyPath<LaneBudget, TokenBucket?>, source: WritableKeyPath<LaneBudget, Source>,
        measured: KeyPath<(requests: Double, tokens: Double), Double>, now: Timestamp
    ) {
        switch self[keyPath: source] {
        case .configured, .announced, .probing:
            return
        case .unknown:
            self[keyPath: source] = .probing(since: now)
        case .measured(_, let since):
            let from = max(since, Timestamp(milliseconds: now.milliseconds - 3000))
            let current = self[keyPath: bucket]?.ratePerSecond ?? .infinity
            let rate =
                admitted.rate(since: from, now: now).map { $0[keyPath: measured] * Self.measuredShare }
                ?? current * 0.9
            set(bucket, perSecond: min(rate, current), startEmpty: true, now: now)
            self[keyPath: source] = .measured(lastRaise: now, since: now)
        }
    }

    /// Ends probes that have run long enough and raises measured budgets by 1 % per second.
    private mutating func advance(now: Timestamp) {
        advance(\.requests, source: \.requestSource, measured: \.requests, now: now)
        advance(\.tokens, source: \.tokenSource, measured: \.tokens, now: now)
    }

    private mutating func advance(
        _ bucket: WritableKeyPath<LaneBudget, TokenBucket?>, source: WritableKeyPath<LaneBudget, Source>,
        measured: KeyPath<(requests: Double, tokens: Double), Double>, now: Timestamp
    ) {
        switch self[keyPath: source] {
        case .probing(let since) where now.milliseconds - since.milliseconds >= Self.probeSeconds * 1000:
            guard let rate = admitted.rate(since: since, now: now)?[keyPath: measured], rate > 0 else {
                return
            }
            set(bucket, perSecond: rate * Self.measuredShare, startEmpty: true, now: now)
            self[keyPath: source] = .measured(lastRaise: now, since: now)
        case .measured(let lastRaise, let since) where now.milliseconds - lastRaise.milliseconds >= 1000:
            if let rate = self[keyPath: bucket]?.ratePerSecond {
                set(bucket, perSecond: rate * 1.01, startEmpty: true, now: now)
            }
            self[keyPath: source] = .measured(lastRaise: now, since: since)
        default:
            return
        }
    }

    /// Sets a bucket's rate with one second's worth of capacity, creating the bucket (full, or
    /// empty when the limit was measured at a 429) if there is none yet.
    private mutating func set(
        _ bucket: WritableKeyPath<LaneBudget, TokenBucket?>, perSecond rate: Double, startEmpty: Bool,
        now: Timestamp
    ) {
        let capacity = max(1, rate)
        if self[keyPath: bucket] == nil {
            var fresh = TokenBucket(ratePerSecond: rate, capacity: capacity, now: now)
            if startEmpty { fresh.empty(now: now) }
            self[keyPath: bucket] = fresh
        } else {
            self[keyPath: bucket]!.setRate(perSecond: rate, capacity: capacity, now: now)
        }
    }
}
