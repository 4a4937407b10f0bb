import BatchCore

/// A millisecond-step simulation of one lane against a model server that enforces RPM and TPM with
/// token buckets holding one second's worth (as Azure and `batchd-sim` do), answering after a fixed
/// latency. It drives a ``LaneQuota`` exactly as the dispatch loop does, without network or sleep.
struct QuotaSimulation {
    enum Style { case azure, openAI }

    var rpm: Int
    var tpm: Int?
    var style: Style
    var latencyMs: Int64 = 50
    var cost = 10
    var settings: LaneSettings

    struct Result {
        var seconds: Double
        var throttled: Int
        var quota: LaneQuota
    }

    /// Seconds the quota's lower bound allows for `requests` (buckets start full).
    func lowerBound(requests: Int) -> Double {
        var bound = Double(requests - rpm / 60) / (Double(rpm) / 60)
        if let tpm {
            bound = max(bound, Double(requests * cost - tpm / 60) / (Double(tpm) / 60))
        }
        return bound
    }

    func run(requests: Int, limitSeconds: Int64 = 600) -> Result {
        let start = Timestamp(milliseconds: 1_000_000)
        var quota = LaneQuota(settings: settings, now: start)
        quota.join(tenant: 1, weight: 1)
        var serverRequests = Double(rpm) / 60
        var serverTokens = Double(tpm ?? 0) / 60
        var pending = requests
        var retries: [Int64] = []
        var inFlight: [(doneAt: Int64, admitted: Bool, headers: RateLimitHeaders, retryAfterMs: Int64)] = []
        var done = 0
        var throttled = 0
        var ms: Int64 = 0
        while done < requests && ms < limitSeconds * 1000 {
            let now = start.advanced(by: .milliseconds(ms))
            serverRequests = min(Double(rpm) / 60, serverRequests + Double(rpm) / 60_000)
            if let tpm { serverTokens = min(Double(tpm) / 60, serverTokens + Double(tpm) / 60_000) }
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
                    quota.finished(succeeded: true)
                } else {
                    throttled += 1
                    let due = now.advanced(by: .milliseconds(answer.retryAfterMs))
                    quota.throttled(until: due, headers: answer.headers, now: now)
                    quota.finished(succeeded: false)
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
        return Result(seconds: Double(ms) / 1000, throttled: throttled, quota: quota)
    }
}
