import BatchCore
import Testing

@Suite("RateLimitHeaders")
struct RateLimitHeadersTests {
    @Test(
        "OpenAI durations",
        arguments: [
            ("12ms", 12), ("1.5s", 1500), ("6m0s", 360_000), ("1h2m3s", 3_723_000), ("0s", 0), ("250ms", 250),
        ])
    func durations(text: String, milliseconds: Int64) {
        #expect(RateLimitHeaders.duration(text) == .milliseconds(milliseconds))
    }

    @Test("garbage durations are refused", arguments: ["", "abc", "5", "1x", "s", "-1s"])
    func badDurations(text: String) {
        #expect(RateLimitHeaders.duration(text) == nil)
    }

    @Test("all six headers, names case-insensitive; negative values dropped")
    func parse() {
        let headers: HTTPHeaderFields = [
            "X-RateLimit-Limit-Requests": "6000", "x-ratelimit-limit-tokens": "150000",
            "x-ratelimit-remaining-requests": "-1", "x-ratelimit-remaining-tokens": "149000",
            "x-ratelimit-reset-requests": "10ms", "x-ratelimit-reset-tokens": "1.2s",
        ]
        let parsed = RateLimitHeaders(headers)
        #expect(parsed.limitRequests == 6000)
        #expect(parsed.limitTokens == 150_000)
        #expect(parsed.remainingRequests == nil)
        #expect(parsed.remainingTokens == 149_000)
        #expect(parsed.resetRequests == .milliseconds(10))
        #expect(parsed.resetTokens == .milliseconds(1200))
    }
}
