import BatchCore

/// A millisecond-step simulation of one lane against a model server that enforces RPM and TPM with
/// token buckets holding one second's worth (as Azure and `batchd-sim` do), answering after a fixed
/// latency. It drives a ``LaneQuota`` exactly as the dispatch loop does (each 429 classified by
/// ``LaneQuota/answeredThrottled(_:cost:until:now:)``), without network or sleep.
struct QuotaSimulation {
    enum Style { case azure, openAI }

    var rpm: Int
    var tpm: Int?
    var style: Style
    var latencyMs: Int64 = 50
    var cost = 10
    var settings: LaneSettings
    /// Every n-th request sent gets a random 429 (no rate-limit headers, `retry-after: 1`), whatever
    /// the limits, as a mock or an overloaded server sends them; nil: none.
    var random429Every: Int? = nil
    /// What an earlier process learned on the lane, if anything.
    var learned: LearnedBudget? = nil
    /// How many seconds' worth the server's buckets hold, full at start (60: OpenAI's minute).
    var burstSeconds: Double = 1

    struct Result {
        var seconds: Double
        var throttled: Int
        /// The 429s that paused the lane (quota 429s).
        var paused: Int
        var quota: LaneQuota
    }

    /// Seconds the quota's lower bound allows for `requests` (buckets start full).
    func lowerBound(requests: Int) -> Double {
        var bound = (Double(requests) - Double(rpm) / 60 * burstSeconds) / (Double(rpm) / 60)
        if let tpm {
            bound = max(
                bound, (Double(requests * cost) - Double(tpm) / 60 * burstSeconds) / (Double(tpm) / 60))
        }
        return bound
    }

    func run(requests: Int, limitSeconds: Int64 = 600) -> Result {
        let start = Timestamp(milliseconds: 1_000_000)
        var quota = LaneQuota(settings: settings, learned: learned, now: start)
        quota.join(tenant: 1, weight: 1)
        let requestCapacity = max(1, Double(rpm) / 60 * burstSeconds)
        let tokenCapacity = max(1, Double(tpm ?? 0) / 60 * burstSeconds)
        var serverRequests = requestCapacity
        var serverTokens = tokenCapacity
        var pending = requests
        var retries: [Int64] = []
        var inFlight: [(doneAt: Int64, admitted: Bool, headers: RateLimitHeaders, retryAfterMs: Int64)] = []
        var done = 0
        var throttled = 0
        var paused = 0
        var sent = 0
        var ms: Int64 = 0
        while done < requests && ms < limitSeconds * 1000 {
            let now = start.advanced(by: .milliseconds(ms))
            serverRequests = min(requestCapacity, serverRequests + Double(rpm) / 60_000)
            if let tpm { serverTokens = min(tokenCapacity, serverTokens + Double(tpm) / 60_000) }
            var remaining: [(doneAt: Int64, admitted: Bool, headers: RateLimitHeaders, retryAfterMs: Int64)] =
                []
            for answer in inFlight {
                guard answer.doneAt <= ms else {
                    remaining.append(answer)
                    continue
                }
                quota.observe(answer.headers, success: answer.admitted, cost: cost, now: now)
                if answer.admitted {
                    done += 1
                    quota.finished(succeeded: true, cost: cost)
                } else {
                    throttled += 1
                    let due = now.advanced(by: .milliseconds(answer.retryAfterMs))
                    let cause = quota.answeredThrottled(
                        ThrottleSignal(headers: answer.headers), cost: cost, until: due, now: now)
                    if cause.pausesLane { paused += 1 }
                    quota.finished(succeeded: false, cost: cost)
                    retries.append(due.milliseconds)
                }
            }
            inFlight = remaining
            while pending > 0 || retries.contains(where: { $0 <= now.milliseconds }) {
                guard quota.tryStart(tenant: 1, cost: cost, now: now) else { break }
                if let index = retries.firstIndex(where: { $0 <= now.milliseconds }) {
                    retries.remove(at: index)
                } else {
                    pending -= 1
                }
                sent += 1
                if let every = random429Every, sent % every == 0 {
                    inFlight.append((ms + 1, false, RateLimitHeaders(), 1000))
                    continue
                }
                let tokensOK = tpm == nil || serverTokens >= Double(cost)
                let admitted = serverRequests >= 1 && tokensOK
                var retryAfter: Int64 = 0
                if admitted {
                    serverRequests -= 1
                    if tpm != nil { serverTokens -= Double(cost) }
                } else {
                    let waitRequests = max(0, (1 - serverRequests) / (Double(rpm) / 60_000))
                    let waitTokens =
                        tpm.map { max(0, (Double(cost) - serverTokens) / (Double($0) / 60_000)) } ?? 0
                    retryAfter = Int64(max(waitRequests, waitTokens).rounded(.up))
                }
                var headers = RateLimitHeaders(
                    remainingRequests: Int(max(0, serverRequests)),
                    remainingTokens: tpm == nil ? nil : Int(max(0, serverTokens)))
                if style == .openAI {
                    headers.limitRequests = rpm
                    headers.limitTokens = tpm
                }
                inFlight.append((ms + latencyMs, admitted, headers, retryAfter))
            }
            ms += 1
        }
        return Result(seconds: Double(ms) / 1000, throttled: throttled, paused: paused, quota: quota)
    }
}
