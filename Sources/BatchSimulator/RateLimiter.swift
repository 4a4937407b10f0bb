/// Per-deployment request and token rate limits, enforced the way Azure OpenAI does it:
/// charged on arrival, rejected immediately with a hint of when to retry.
///
/// The precise rule, so client authors can compute a lower bound on throughput:
/// - Each deployment (Azure path deployment or body `model`) has its own two token buckets.
/// - **Requests bucket**: refills at `rpm / 60` per second; burst capacity `max(1, rpm / 60)`
///   (one second's worth; `burstSeconds` seconds' worth when set). Every request costs 1.
/// - **Tokens bucket**: refills at `tpm / 60` per second; burst capacity
///   `max(cost of the request being checked, tpm / 60)`, so a single request larger than one second's
///   worth is admitted once the bucket has refilled to its cost. A request costs
///   `estimated prompt tokens + (max_tokens | max_completion_tokens | max_output_tokens, default 0) × (n | 1)`,
///   where the prompt estimate is the character count of the text fields / 4, at least 1
///   (see ``TokenEstimator``). Embeddings cost their input estimate; audio costs 0 tokens.
/// - Both buckets start full (at their one-second capacity). A request is admitted only if both
///   buckets hold its cost; then both are charged. Otherwise neither is charged and the answer is a
///   429 whose `retry-after-ms` is the time until both buckets would hold the cost.
///
/// Thread-safe: the state of all deployments is behind one lock, held only for the arithmetic.
final class RateLimiter: Sendable {
    /// The outcome of one admission check.
    struct Decision: Sendable {
        /// Whether the request may proceed (and was charged).
        var admitted: Bool
        /// When rejected: nanoseconds until the request would fit.
        var retryAfterNanoseconds: Int64 = 0
        /// When rejected: which limit is the binding one (`"requests"` or `"tokens"`).
        var limitedBy: String = "requests"
        /// Whole requests left in the bucket (after the charge), when an RPM limit is set.
        var remainingRequests: Int?
        /// Whole tokens left in the bucket (after the charge), when a TPM limit is set.
        var remainingTokens: Int?
        /// Nanoseconds until the requests bucket is full again.
        var resetRequestsNanoseconds: Int64 = 0
        /// Nanoseconds until the tokens bucket is full again.
        var resetTokensNanoseconds: Int64 = 0
    }

    private struct Buckets {
        var requests: TokenBucket?
        var tokens: TokenBucket?
    }

    let rpm: Int?
    let tpm: Int?
    /// How many seconds' worth each bucket holds (``SimulatorConfiguration/burstSeconds``).
    let burstSeconds: Double
    private let state = Locked<[String: Buckets]>([:])

    init(rpm: Int?, tpm: Int?, burstSeconds: Double = 1) {
        self.rpm = rpm
        self.tpm = tpm
        self.burstSeconds = burstSeconds
    }

    /// Whether any limit is configured.
    var isEnabled: Bool { rpm != nil || tpm != nil }

    /// Checks and, if admitted, charges one request costing `tokens` to `deployment` at `now`
    /// (monotonic nanoseconds).
    func acquire(deployment: String, tokens: Int, now: UInt64) -> Decision {
        guard isEnabled else { return Decision(admitted: true) }
        let tokenCost = Double(max(tokens, 0))
        return state.withLock { all in
            var buckets =
                all[deployment]
                ?? Buckets(
                    requests: rpm.map { TokenBucket(perMinute: $0, now: now, burstSeconds: burstSeconds) },
                    tokens: tpm.map { TokenBucket(perMinute: $0, now: now, burstSeconds: burstSeconds) })
            let requestsAvailable = buckets.requests?.available(for: 1, now: now)
            let tokensAvailable = buckets.tokens?.available(for: tokenCost, now: now)
            let requestWait =
                requestsAvailable.map { buckets.requests!.nanosecondsUntil(cost: 1, available: $0) } ?? 0
            let tokenWait =
                tokensAvailable.map { buckets.tokens!.nanosecondsUntil(cost: tokenCost, available: $0) } ?? 0
            var decision = Decision(admitted: requestWait == 0 && tokenWait == 0)
            var requestsLeft = requestsAvailable
            var tokensLeft = tokensAvailable
            if decision.admitted {
                if let available = requestsAvailable {
                    buckets.requests!.charge(1, available: available, now: now)
                    requestsLeft = max(0, available - 1)
                }
                if let available = tokensAvailable {
                    buckets.tokens!.charge(tokenCost, available: available, now: now)
                    tokensLeft = max(0, available - tokenCost)
                }
            } else {
                decision.retryAfterNanoseconds = max(requestWait, tokenWait)
                decision.limitedBy = tokenWait > requestWait ? "tokens" : "requests"
            }
            all[deployment] = buckets
            if let left = requestsLeft {
                decision.remainingRequests = Int(left.rounded(.down))
                decision.resetRequestsNanoseconds = buckets.requests!.nanosecondsUntilFull(from: left)
            }
            if let left = tokensLeft {
                decision.remainingTokens = Int(left.rounded(.down))
                decision.resetTokensNanoseconds = buckets.tokens!.nanosecondsUntilFull(from: left)
            }
            return decision
        }
    }
}
