import BatchCore
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    static let now = Timestamp(milliseconds: 1_700_000_000_000)
    let policy = RetryPolicy(maxAttempts: 4)

    private func answer(_ status: Int, _ body: String = "{}", headers: HTTPHeaderFields = [:])
        -> AttemptResult
    {
        .answer(HTTPAnswer(status: status, headers: headers, body: Array(body.utf8)))
    }

    private func decide(_ result: AttemptResult, attempt: Int = 1) -> RetryDecision {
        policy.decide(result, attempt: attempt, now: Self.now)
    }

    @Test("2xx with a JSON body succeeds", arguments: [200, 201, 299])
    func success(status: Int) {
        #expect(decide(answer(status, #"{"id":"x","choices":[]}"#)) == .succeed)
    }

    @Test("2xx whose body is not JSON is retried", arguments: ["", "<html>oops</html>", #"{"id": "#])
    func invalidBody(body: String) {
        #expect(
            decide(answer(200, body)) == .retry(code: "invalid_response_body", wait: nil, throttled: false))
    }

    @Test(
        "retryable statuses are retried; only 429 is throttled",
        arguments: [408, 409, 429, 500, 502, 503, 504])
    func retryable(status: Int) {
        #expect(decide(answer(status)) == .retry(code: "http_\(status)", wait: nil, throttled: status == 429))
    }

    @Test(
        "a request that cannot be sent at all is final at once",
        arguments: [TransportFailure.Kind.fileUnavailable, .invalidDeployment])
    func unsendable(kind: TransportFailure.Kind) {
        #expect(decide(.failure(TransportFailure(kind: kind, message: "x"))) == .fail(code: kind.rawValue))
    }

    @Test("other statuses are final", arguments: [400, 401, 403, 404, 422, 418, 501])
    func final(status: Int) {
        #expect(
            decide(answer(status, #"{"error":{"code":"bad","message":"no"}}"#))
                == .fail(code: "http_\(status)"))
    }

    @Test(
        "429 insufficient_quota stops the job, even on the last attempt",
        arguments: [
            (#"{"error":{"code":"insufficient_quota","message":"You exceeded your quota"}}"#, 1),
            (#"{"error":{"type":"insufficient_quota","message":"You exceeded your quota"}}"#, 4),
        ])
    func insufficientQuota(body: String, attempt: Int) {
        guard case .stopJob(let error) = decide(answer(429, body), attempt: attempt) else {
            Issue.record("expected stopJob")
            return
        }
        #expect(error.code == .insufficientQuota)
        #expect(error.message.contains("insufficient_quota"))
    }

    @Test("a 429 with another error code is a throttled retry")
    func rateLimited() {
        let body = #"{"error":{"code":"rate_limit_exceeded","message":"slow down"}}"#
        #expect(decide(answer(429, body)) == .retry(code: "http_429", wait: nil, throttled: true))
    }

    @Test("429 waits what retry-after-ms asks")
    func throttledWait() {
        let result = answer(429, "{}", headers: ["retry-after-ms": "1200", "retry-after": "9"])
        #expect(decide(result) == .retry(code: "http_429", wait: .milliseconds(1_200), throttled: true))
    }

    @Test("429 without retry-after waits for the reset of the exhausted limit")
    func throttledResetWait() {
        let tokens = answer(
            429, "{}",
            headers: [
                "x-ratelimit-remaining-requests": "12", "x-ratelimit-reset-requests": "200ms",
                "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "1.5s",
            ])
        #expect(decide(tokens) == .retry(code: "http_429", wait: .milliseconds(1_500), throttled: true))
        let unknown = answer(
            429, "{}", headers: ["x-ratelimit-reset-requests": "200ms", "x-ratelimit-reset-tokens": "6m0s"])
        #expect(decide(unknown) == .retry(code: "http_429", wait: .milliseconds(200), throttled: true))
        let explicit = answer(
            429, "{}",
            headers: [
                "retry-after-ms": "30", "x-ratelimit-remaining-tokens": "0",
                "x-ratelimit-reset-tokens": "1.5s",
            ])
        #expect(decide(explicit) == .retry(code: "http_429", wait: .milliseconds(30), throttled: true))
        let server = answer(503, "{}", headers: ["x-ratelimit-reset-requests": "200ms"])
        #expect(decide(server) == .retry(code: "http_503", wait: nil, throttled: false))
    }

    @Test("503 waits what retry-after asks")
    func serverWait() {
        let result = answer(503, "{}", headers: ["Retry-After": "7"])
        #expect(decide(result) == .retry(code: "http_503", wait: .seconds(7), throttled: false))
    }

    @Test(
        "x-should-retry overrides the status rule",
        arguments: [
            (400, "true", true), (422, "TRUE", true), (503, "false", false), (429, "False", false),
            (500, "maybe", true), (404, "maybe", false),
        ])
    func shouldRetryHeader(status: Int, value: String, retried: Bool) {
        let decision = decide(answer(status, "{}", headers: ["X-Should-Retry": value]))
        if retried {
            #expect(decision == .retry(code: "http_\(status)", wait: nil, throttled: status == 429))
        } else {
            #expect(decision == .fail(code: "http_\(status)"))
        }
    }

    @Test("the last attempt's outcome is final", arguments: [1, 2, 3, 4, 5])
    func lastAttempt(attempt: Int) {
        let decision = decide(answer(503), attempt: attempt)
        if attempt < policy.maxAttempts {
            #expect(decision == .retry(code: "http_503", wait: nil, throttled: false))
        } else {
            #expect(decision == .fail(code: "http_503"))
        }
    }

    @Test(
        "transport failures are retried, then final",
        arguments: [TransportFailure.Kind.timeout, .connection, .other])
    func transportFailure(kind: TransportFailure.Kind) {
        let failure = AttemptResult.failure(TransportFailure(kind: kind, message: "boom"))
        #expect(decide(failure, attempt: 1) == .retry(code: kind.rawValue, wait: nil, throttled: false))
        #expect(decide(failure, attempt: policy.maxAttempts) == .fail(code: kind.rawValue))
    }

    @Test("maxAttempts is at least 1")
    func minimumAttempts() {
        let single = RetryPolicy(maxAttempts: 0)
        #expect(single.maxAttempts == 1)
        #expect(single.decide(answer(500), attempt: 1, now: Self.now) == .fail(code: "http_500"))
    }
}
