/// Decides what happens after each attempt: record the answer, retry it later, give up on the
/// request, or stop the whole job.
///
/// Rules (after the OpenAI and Azure SDKs, more patient because a batch can wait):
/// - 2xx with a JSON body: success. 2xx whose body is not JSON: retried (`invalid_response_body`).
///   Text and binary answers (``ExpectedAnswer``) reach the policy already turned into JSON by the
///   sender, so they count as JSON here.
/// - A request that cannot be sent at all (`file_unavailable`, `invalid_deployment`): final at once.
/// - A connection refused or a host name that does not resolve (`endpoint_unreachable`): retried
///   like a connection error here; the dispatch loop does not even count it as an attempt of the
///   request and stops the job when the endpoint stays unreachable (``EndpointReachability``).
/// - 408, 409, 429, 500, 502, 503, 504, connection errors and timeouts: retried, waiting what the
///   server asked (`retry-after-ms`, `retry-after`), else ``Backoff``.
/// - An `x-should-retry: true|false` header overrides the status rule, as in the SDKs.
/// - 429 with error code `insufficient_quota`: the job stops; every further request would fail too.
/// - Anything else (400, 401, 403, 404, 422, …): final; the answer goes to the errors file.
/// - After `maxAttempts` failed attempts the last outcome is final. 429 answers are counted apart,
///   against `maxThrottledAttempts`: being asked to wait is not a failure of the request, and a
///   batch shares its quota with everyone else's traffic.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    /// How many 429 answers one request may receive before the last one is final.
    public var maxThrottledAttempts: Int
    public var backoff: Backoff
    public var retryableStatuses: Set<Int>

    public static let defaultRetryableStatuses: Set<Int> = [408, 409, 429, 500, 502, 503, 504]

    public init(
        maxAttempts: Int = 8,
        maxThrottledAttempts: Int = 100,
        backoff: Backoff = Backoff(),
        retryableStatuses: Set<Int> = RetryPolicy.defaultRetryableStatuses
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxThrottledAttempts = max(1, maxThrottledAttempts)
        self.backoff = backoff
        self.retryableStatuses = retryableStatuses
    }

    /// The decision after attempt number `attempt` (1-based, all attempts counted) produced
    /// `result`, the request having received `throttledBefore` 429 answers before this one.
    public func decide(_ result: AttemptResult, attempt: Int, throttledBefore: Int = 0, now: Timestamp)
        -> RetryDecision
    {
        let failures = attempt - throttledBefore
        switch result {
        case .failure(let failure)
        where failure.kind == .fileUnavailable || failure.kind == .invalidDeployment:
            return .fail(code: failure.kind.rawValue)
        case .failure(let failure):
            return retryOrFail(code: failure.kind.rawValue, wait: nil, throttled: false, attempt: failures)
        case .answer(let answer) where answer.status == 429:
            return decide(answer, attempt: throttledBefore + 1, limit: maxThrottledAttempts, now: now)
        case .answer(let answer):
            return decide(answer, attempt: failures, limit: maxAttempts, now: now)
        }
    }

    private func decide(_ answer: HTTPAnswer, attempt: Int, limit: Int, now: Timestamp) -> RetryDecision {
        if answer.isSuccess {
            if answer.bodyIsJSON { return .succeed }
            return retryOrFail(
                code: "invalid_response_body", wait: nil, throttled: false, attempt: attempt, limit: limit)
        }
        let code = ResponseBody.errorCode(answer.body)
        if answer.status == 429, code == "insufficient_quota" {
            return .stopJob(
                .insufficientQuota(
                    "the provider answered 429 insufficient_quota: the account is out of quota or credit;"
                        + " every further request would fail too"))
        }
        let statusCode = "http_\(answer.status)"
        var retryable = retryableStatuses.contains(answer.status)
        switch answer.headers["x-should-retry"]?.lowercased() {
        case "true": retryable = true
        case "false": retryable = false
        default: break
        }
        guard retryable else { return .fail(code: statusCode) }
        return retryOrFail(
            code: statusCode,
            wait: RetryAfter.parse(answer.headers, now: now)
                ?? (answer.status == 429 ? RateLimitHeaders(answer.headers).resetWait : nil),
            throttled: answer.status == 429,
            attempt: attempt,
            limit: limit
        )
    }

    private func retryOrFail(code: String, wait: Duration?, throttled: Bool, attempt: Int, limit: Int? = nil)
        -> RetryDecision
    {
        attempt >= (limit ?? maxAttempts)
            ? .fail(code: code) : .retry(code: code, wait: wait, throttled: throttled)
    }
}

/// What to do after an attempt.
public enum RetryDecision: Sendable, Equatable {
    /// Record the answer in the results file. Its body is valid JSON.
    case succeed
    /// Send again later: after `wait` if the server asked for one, else after the policy's backoff.
    /// `throttled` marks a 429: its lane tells a quota 429, which pauses the whole lane, from a
    /// capacity 429, which only this request waits out (``ThrottleClassifier``).
    case retry(code: String, wait: Duration?, throttled: Bool)
    /// Record the last outcome in the errors file.
    case fail(code: String)
    /// Stop the job: no further request of it can succeed.
    case stopJob(BatchdError)
}
