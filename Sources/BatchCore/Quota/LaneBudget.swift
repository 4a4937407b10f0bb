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
///    the budget rises by 1 % per second without a 429 (to find headroom left by a short probe;
///    each correction that finds the same limit again, within 5 %, halves that rise, down to
///    ``learnedRise``; one that finds another limit brings it back to 1 %),
///    and each later quota 429 sets it back to the rate admitted over the last 3 s, or since the
///    lane last resumed from a pause if that is later (at most the rate that just drew the 429).
///    The rate admitted at the probe or the last correction is kept as the rate *shown*: a budget
///    no faster than it paces within the limit (``holdsQuota(cost:now:)``), so a lone 429 there is
///    not taken for a quota 429 (``ThrottleClassifier``). Which limit a 429 is about comes from its remaining headers: a `0` names
///    the exhausted one (a 0 on a 429 is trusted; on a success it is not); with none, both.
/// 4. `x-ratelimit-remaining-*` above 0 on a success lower a bucket's level when the server has
///    less left than the bucket believes (shared keys, another client on the same deployment).
/// 5. **Headroom.** They also raise it, above the bucket's one second's worth, when the server
///    says more is left than the bucket holds (less what is in flight besides the answer; a
///    server whose buckets hold one second's worth, as Azure's, changes nothing): a server whose
///    bucket holds a minute and starts full (OpenAI's) is used at once, not at the one-second
///    pace. Until the lane's first quota 429, which tells that the server enforces over short
///    windows (as Azure does, whose per-minute remaining values are then not a promise); from then
///    on the lane paces evenly. `-1`, missing and, on a success, `0` are never trusted.
///
/// Headroom, worked example: 6,000 RPM announced, a minute's bucket full at start, 10 in flight:
///
/// | answer's `remaining-requests` | bucket level before | level after             |
/// |-------------------------------|---------------------|-------------------------|
/// | 5,989                         | 98 (one second)     | 5,979 (5,989 − 10)      |
/// | 40                            | 61                  | 40 (lowered, rule 4)    |
/// | 100                           | 12                  | 12 (90 is within 98)    |
/// | 12, after a quota 429         | 0                   | 0: paced evenly again   |
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
    /// How fast a measured budget rises (per second) after a probe, or after a correction that
    /// found another limit than the last: 1 %.
    public static let initialRise = 0.01
    /// The slowest rise: reached after corrections that found the same limit again, and where a
    /// budget learned by an earlier process starts (0.0625 % a second: from 98 % of the limit back
    /// to it in about 32 s).
    public static let learnedRise = 0.000625
    /// A correction within this share of the last rate shown confirms it.
    public static let confirmedWithin = 0.05

    /// A measured limit: `shown` is the rate (per second) the server was last measured to admit,
    /// at the probe or the last correction (a budget at or below it paces within what the server
    /// allows); `rise` is how much the budget rises per second without a 429.
    struct Measurement: Sendable, Equatable {
        var lastRaise: Timestamp
        var since: Timestamp
        var shown: Double
        var rise: Double
    }

    enum Source: Sendable, Equatable {
        case unknown
        case configured
        case announced
        case probing(since: Timestamp)
        case measured(Measurement)
    }

    public init(settings: LaneSettings, now: Timestamp) {
        requests = settings.rpm.map { TokenBucket.perMinute($0, now: now, safety: Self.knownShare) }
        tokens = settings.tpm.map { TokenBucket.perMinute($0, now: now, safety: Self.knownShare) }
        requestSource = settings.rpm == nil ? .unknown : .configured
        tokenSource = settings.tpm == nil ? .unknown : .configured
    }

    /// A budget that starts from what an earlier process learned (``LearnedBudget``), for each
    /// limit not configured: 98 % of the rate the server was shown to admit, its bucket empty (the
    /// server's may be spent, by the process that learned it), rising by ``learnedRise`` a second:
    /// still probing upward, slowly, as after corrections that confirmed the limit.
    public init(settings: LaneSettings, learned: LearnedBudget?, now: Timestamp) {
        self.init(settings: settings, now: now)
        guard let learned else { return }
        func start(
            _ bucket: WritableKeyPath<LaneBudget, TokenBucket?>,
            _ source: WritableKeyPath<LaneBudget, Source>,
            perMinute: Double?
        ) {
            guard self[keyPath: source] == .unknown, let perMinute, perMinute > 0 else { return }
            let shown = perMinute / 60
            set(bucket, perSecond: shown * Self.measuredShare, startEmpty: true, now: now)
            self[keyPath: source] = .measured(
                Measurement(lastRaise: now, since: now, shown: shown, rise: Self.learnedRise))
        }
        start(\.requests, \.requestSource, perMinute: learned.requestsPerMinute)
        start(\.tokens, \.tokenSource, perMinute: learned.tokensPerMinute)
    }

    /// What this budget knows of the server's limits, per minute, to be kept for the next process:
    /// the rate a measured limit was shown to admit, or an announced limit. Configured limits are
    /// not the server's word and are not kept. Nil for a limit not known.
    public var learnedPerMinute: (requests: Double?, tokens: Double?) {
        func perMinute(_ source: Source, _ bucket: TokenBucket?) -> Double? {
            switch source {
            case .measured(let measurement): return measurement.shown * 60
            case .announced: return bucket.map { $0.ratePerSecond / Self.knownShare * 60 }
            case .unknown, .probing, .configured: return nil
            }
        }
        return (perMinute(requestSource, requests), perMinute(tokenSource, tokens))
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

    /// Whether the lane's budget says quota is left for a request of `cost` now, so that a 429 was
    /// not drawn by pacing above the limit (``ThrottleClassifier``). Nil when no limit is known
    /// (nothing configured, announced or measured yet, or a probe runs). Otherwise true when every
    /// known bucket either holds the cost or paces within what is known to be allowed: a
    /// configured or announced limit (the budget is 99 % of it), or a measured budget no faster
    /// than the rate the server was last measured to admit. False when a bucket is spent while its
    /// budget probes above that rate: the lane sends at the edge of a limit it has not seen.
    ///
    /// | source     | bucket holds the cost | budget vs rate shown admitted | quota left |
    /// |------------|-----------------------|-------------------------------|------------|
    /// | configured | no                    | —                             | yes        |
    /// | measured   | yes                   | above                         | yes        |
    /// | measured   | no                    | at or below (98 % after a 429)| yes        |
    /// | measured   | no                    | above (risen 1 %/s since)     | no         |
    public func holdsQuota(cost: Int, now: Timestamp) -> Bool? {
        guard requests != nil || tokens != nil, !isProbing else { return nil }
        func holds(_ bucket: TokenBucket?, _ source: Source, _ cost: Double) -> Bool {
            guard let bucket else { return true }
            if bucket.wait(for: cost, now: now) == .zero { return true }
            switch source {
            case .configured, .announced: return true
            case .measured(let measurement): return bucket.ratePerSecond <= measurement.shown
            case .unknown, .probing: return false
            }
        }
        return holds(requests, requestSource, 1) && holds(tokens, tokenSource, Double(cost))
    }

    /// Charges a request that starts now.
    public mutating func charge(cost: Int, now: Timestamp) {
        requests?.take(1, now: now)
        tokens?.take(Double(cost), now: now)
    }

    /// Whether remaining counts above the buckets' level may be used (headroom): until the lane's
    /// first quota 429, which tells that the server enforces over short windows.
    public private(set) var trustsHeadroom = true

    /// Learns from an answer: its headers, and, for a success, that the server admitted `cost`.
    /// `othersInFlight` are the requests (and their tokens) on the wire besides this answer's:
    /// headroom the server announces is what remains less them.
    public mutating func observe(
        _ headers: RateLimitHeaders, success: Bool, cost: Int,
        othersInFlight: (requests: Int, tokens: Int) = (0, 0), now: Timestamp
    ) {
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
            let headroom = Double(remaining - othersInFlight.requests)
            if trustsHeadroom, !isProbing, let bucket = requests, headroom > bucket.capacity {
                requests!.grant(upTo: headroom, now: now)
            }
        }
        if let remaining = headers.remainingTokens, remaining > 0 {
            tokens?.clamp(toAtMost: Double(remaining), now: now)
            let headroom = Double(remaining - othersInFlight.tokens)
            if trustsHeadroom, !isProbing, let bucket = tokens, headroom > bucket.capacity {
                tokens!.grant(upTo: headroom, now: now)
            }
        }
        advance(now: now)
    }

    /// A 429: starts or corrects a measurement for the limit it is about, and empties both buckets.
    ///
    /// `resumedAt` is when the lane last resumed after a pause: a correction measures what the
    /// server admitted since then at the earliest, so that time spent paused by an earlier 429 does
    /// not count as a lower limit.
    public mutating func throttled(_ headers: RateLimitHeaders, resumedAt: Timestamp? = nil, now: Timestamp) {
        let (leftRequests, leftTokens) = (headers.remainingRequests, headers.remainingTokens)
        let requestsHit = leftRequests.map { $0 == 0 } ?? (leftTokens.map { $0 > 0 } ?? true)
        let tokensHit =
            leftTokens.map { $0 == 0 || (leftRequests ?? 0) > 0 } ?? (leftRequests.map { $0 > 0 } ?? true)
        if requestsHit {
            correct(\.requests, source: \.requestSource, measured: \.requests, resumedAt: resumedAt, now: now)
        }
        if tokensHit {
            correct(\.tokens, source: \.tokenSource, measured: \.tokens, resumedAt: resumedAt, now: now)
        }
        requests?.empty(now: now)
        tokens?.empty(now: now)
        trustsHeadroom = false
    }

    private mutating func correct(
        _ bucket: WritableKeyPath<LaneBudget, TokenBucket?>, source: WritableKeyPath<LaneBudget, Source>,
        measured: KeyPath<(requests: Double, tokens: Double), Double>, resumedAt: Timestamp?, now: Timestamp
    ) {
        switch self[keyPath: source] {
        case .configured, .announced, .probing:
            return
        case .unknown:
            self[keyPath: source] = .probing(since: now)
        case .measured(let previous):
            let from = max(
                previous.since, resumedAt ?? previous.since, Timestamp(milliseconds: now.milliseconds - 3000))
            let current = self[keyPath: bucket]?.ratePerSecond ?? .infinity
            let admittedRate = admitted.rate(since: from, now: now)?[keyPath: measured]
            let rate = min(admittedRate.map { $0 * Self.measuredShare } ?? current * 0.9, current)
            set(bucket, perSecond: rate, startEmpty: true, now: now)
            let shown = min(admittedRate ?? rate, current)
            // The same limit found again: probe above it more slowly. Another one: as after a probe.
            let confirmed = abs(shown / previous.shown - 1) <= Self.confirmedWithin
            self[keyPath: source] = .measured(
                Measurement(
                    lastRaise: now, since: now, shown: shown,
                    rise: confirmed ? max(previous.rise / 2, Self.learnedRise) : Self.initialRise))
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
            self[keyPath: source] = .measured(
                Measurement(lastRaise: now, since: now, shown: rate, rise: Self.initialRise))
        case .measured(var measurement) where now.milliseconds - measurement.lastRaise.milliseconds >= 1000:
            if let rate = self[keyPath: bucket]?.ratePerSecond {
                set(bucket, perSecond: rate * (1 + measurement.rise), startEmpty: true, now: now)
            }
            measurement.lastRaise = now
            self[keyPath: source] = .measured(measurement)
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
