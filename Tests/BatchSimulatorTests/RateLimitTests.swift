import Foundation
import Testing

@testable import BatchSimulator

@Suite("Rate limits")
struct RateLimitTests {
    @Test("rpm=1: the second back-to-back request is a 429 with retry hints, Azure flavour")
    func requestsPerMinute() async throws {
        // One request a minute: the second one is limited however slowly a loaded machine runs.
        try await Harness.run({ $0.rpm = 1 }) { h in
            let path = "/openai/deployments/d1/chat/completions?api-version=2024-10-21"
            let first = try await h.post(path, chatBody())
            #expect(first.status == 200)
            #expect(first.header("x-ratelimit-remaining-requests") == "0")
            let second = try await h.post(path, chatBody())
            #expect(second.status == 429)
            let retryMs = try #require(second.header("retry-after-ms").flatMap(Int.init))
            #expect(retryMs > 30_000 && retryMs <= 60_000)
            #expect(second.header("retry-after").flatMap(Int.init) == (retryMs + 999) / 1000)
            #expect(second.header("x-ratelimit-remaining-requests") == "0")
            let error = try #require(second.json?.object("error"))
            #expect(error["code"] as? String == "429")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("ChatCompletions_Create") && message.contains("2024-10-21"))

            // Another deployment has its own bucket.
            let elsewhere = try await h.post(
                "/openai/deployments/d2/chat/completions?api-version=2024-10-21", chatBody())
            #expect(elsewhere.status == 200)
            #expect(h.simulator.stats.answered429 == 1)
            #expect(h.simulator.stats.answered2xx == 2)
        }
    }

    @Test("burstSeconds 60: the bucket holds a minute's worth, full at start, and says so")
    func minuteBucket() async throws {
        // 2 RPM: a request's refill takes 30 s, so the bucket does not refill during the test.
        try await Harness.run({
            $0.rpm = 2
            $0.burstSeconds = 60
            $0.rateLimitStyle = .openAI
        }) { h in
            let first = try await h.post("/v1/chat/completions", chatBody())
            #expect(first.status == 200)
            #expect(first.header("x-ratelimit-remaining-requests") == "1")
            #expect(try await h.post("/v1/chat/completions", chatBody()).status == 200)
            #expect(try await h.post("/v1/chat/completions", chatBody()).status == 429)
        }
    }

    @Test("tpm: a request with a large max_tokens is a 429, OpenAI flavour with limit headers")
    func tokensPerMinute() async throws {
        try await Harness.run({
            $0.tpm = 6000
            $0.rateLimitStyle = .openAI
        }) { h in
            let ok = try await h.post("/v1/chat/completions", chatBody(extra: ["max_tokens": 10]))
            #expect(ok.status == 200)
            #expect(ok.header("x-ratelimit-limit-tokens") == "6000")
            #expect(ok.header("x-ratelimit-reset-tokens") != nil)
            let remaining = try #require(ok.header("x-ratelimit-remaining-tokens").flatMap(Int.init))
            #expect(remaining < 100 && remaining >= 100 - 17)

            let big = try await h.post("/v1/chat/completions", chatBody(extra: ["max_tokens": 4000]))
            #expect(big.status == 429)
            let retryMs = try #require(big.header("retry-after-ms").flatMap(Int.init))
            #expect(retryMs > 30_000)  // ≈ (4000 + 6 - ~85) / 100 tokens per second
            #expect(big.header("retry-after").flatMap(Int.init) == (retryMs + 999) / 1000)
            let error = try #require(big.json?.object("error"))
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect(error["type"] as? String == "tokens")
            #expect((error["message"] as? String)?.contains("Please try again in") == true)
            #expect(big.header("x-ratelimit-limit-requests") == nil)
        }
    }

    @Test("model no-quota gets insufficient_quota without retry hints")
    func insufficientQuota() async throws {
        try await Harness.run { h in
            let reply = try await h.post("/v1/chat/completions", chatBody(model: "no-quota"))
            #expect(reply.status == 429)
            #expect(reply.header("retry-after") == nil)
            #expect(reply.header("retry-after-ms") == nil)
            let error = try #require(reply.json?.object("error"))
            #expect(error["code"] as? String == "insufficient_quota")
            #expect(error["type"] as? String == "insufficient_quota")
            #expect(h.simulator.stats.answered429 == 1)
        }
    }

    @Test("a 429 is answered without the configured latency")
    func immediate429() async throws {
        try await Harness.run({
            $0.rpm = 1
            $0.latency = .seconds(8)
        }) { h in
            _ = try await h.post("/v1/embeddings", ["model": "e", "input": "x"])
            let start = ContinuousClock.now
            let limited = try await h.post("/v1/embeddings", ["model": "e", "input": "x"])
            #expect(limited.status == 429)
            #expect(ContinuousClock.now - start < .seconds(6), "well below the 8 s latency")
            #expect(limited.header("retry-after-ms").flatMap(Int.init) ?? 0 > 50_000)
        }
    }
}

@Suite("Token buckets")
struct RateLimiterUnitTests {
    let second: UInt64 = 1_000_000_000

    @Test("requests refill at rpm/60 per second with burst max(1, rpm/60)")
    func requestBucket() {
        let limiter = RateLimiter(rpm: 120, tpm: nil)
        let t0: UInt64 = 10 * second
        #expect(limiter.acquire(deployment: "d", tokens: 0, now: t0).admitted)
        #expect(limiter.acquire(deployment: "d", tokens: 0, now: t0).admitted)
        let third = limiter.acquire(deployment: "d", tokens: 0, now: t0)
        #expect(!third.admitted)
        #expect(third.retryAfterNanoseconds == 500_000_000)
        #expect(!limiter.acquire(deployment: "d", tokens: 0, now: t0 + second / 2 - 1).admitted)
        #expect(limiter.acquire(deployment: "d", tokens: 0, now: t0 + second / 2).admitted)
        // Idle time never builds more than one second's worth.
        let later = t0 + 100 * second
        #expect(limiter.acquire(deployment: "d", tokens: 0, now: later).admitted)
        #expect(limiter.acquire(deployment: "d", tokens: 0, now: later).admitted)
        #expect(!limiter.acquire(deployment: "d", tokens: 0, now: later).admitted)
    }

    @Test("a request larger than one second's worth of tokens fits once refilled to its cost")
    func largeTokenRequest() {
        let limiter = RateLimiter(rpm: nil, tpm: 600)  // 10 tokens/s, burst 10
        let t0: UInt64 = 5 * second
        let rejected = limiter.acquire(deployment: "d", tokens: 30, now: t0)
        #expect(!rejected.admitted)
        #expect(rejected.limitedBy == "tokens")
        #expect(rejected.retryAfterNanoseconds == 2 * Int64(second))
        #expect(rejected.remainingTokens == 10)
        let admitted = limiter.acquire(deployment: "d", tokens: 30, now: t0 + 2 * second)
        #expect(admitted.admitted)
        #expect(admitted.remainingTokens == 0)
        #expect(admitted.resetTokensNanoseconds == Int64(second))
    }

    @Test("a rejection charges neither bucket")
    func noChargeOnReject() {
        let limiter = RateLimiter(rpm: 60, tpm: 60)  // 1 req/s, 1 token/s
        let t0: UInt64 = second
        #expect(!limiter.acquire(deployment: "d", tokens: 5, now: t0).admitted)
        let small = limiter.acquire(deployment: "d", tokens: 1, now: t0)
        #expect(small.admitted)
        #expect(small.remainingRequests == 0)
    }

    @Test("reset durations are formatted like OpenAI's")
    func durations() {
        #expect(DurationFormatting.goStyle(nanoseconds: 12_000_000) == "12ms")
        #expect(DurationFormatting.goStyle(nanoseconds: 1_500_000_000) == "1.5s")
        #expect(DurationFormatting.goStyle(nanoseconds: 360_000_000_000) == "6m0s")
        #expect(DurationFormatting.goStyle(nanoseconds: 0) == "0ms")
    }
}

@Suite("Token bucket lower bound")
struct RateLimiterBoundTests {
    @Test("requests spaced exactly 60/rpm apart are never limited", arguments: [7, 60, 90, 1000])
    func exactSpacing(rpm: Int) {
        let limiter = RateLimiter(rpm: rpm, tpm: nil)
        let spacing = UInt64((60.0 / Double(rpm) * 1e9).rounded(.up))
        var now: UInt64 = 1_000_000_000
        for _ in 0..<500 {
            #expect(limiter.acquire(deployment: "d", tokens: 0, now: now).admitted)
            now += spacing
        }
    }
}
