import BatchCore
import Testing

@Suite("Lane budgets")
struct LaneBudgetTests {
    static let start = Timestamp(milliseconds: 5_000_000)

    static func at(_ ms: Int64) -> Timestamp { start.advanced(by: .milliseconds(ms)) }

    /// Charges requests of `cost` while the budget allows, returns how many went.
    static func sendAll(_ budget: inout LaneBudget, cost: Int = 1, at now: Timestamp, max: Int = 10_000)
        -> Int
    {
        var sent = 0
        while sent < max, budget.wait(cost: cost, now: now) == .zero {
            budget.charge(cost: cost, now: now)
            sent += 1
        }
        return sent
    }

    @Test("a configured RPM lets one second's worth through, then paces at 99 % of the limit")
    func configuredRPM() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 100, rpm: 600), now: Self.start)
        #expect(Self.sendAll(&budget, at: Self.start) == 9, "capacity is 99 % of 10")
        #expect(budget.wait(cost: 1, now: Self.start) > .zero)
        let later = Self.at(10_000)
        #expect(Self.sendAll(&budget, at: later) == 9, "refilled, and never above the capacity")
    }

    @Test("a configured TPM charges each request's estimated cost")
    func configuredTPM() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 100, tpm: 60_000), now: Self.start)
        #expect(
            Self.sendAll(&budget, cost: 300, at: Self.start) == 3, "990 tokens a second hold three of 300")
        #expect(budget.requests == nil)
    }

    @Test("x-ratelimit-limit-* headers set an unconfigured budget; a configured one is kept")
    func announced() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 10), now: Self.start)
        #expect(budget.requests == nil && budget.tokens == nil)
        budget.observe(
            RateLimitHeaders(limitRequests: 120, limitTokens: 6000), success: true, cost: 5, now: Self.start)
        #expect(abs(budget.requests!.ratePerSecond - 1.98) < 0.001)
        #expect(abs(budget.tokens!.ratePerSecond - 99) < 0.001)

        var configured = LaneBudget(settings: LaneSettings(concurrency: 10, rpm: 600), now: Self.start)
        configured.observe(RateLimitHeaders(limitRequests: 120), success: true, cost: 5, now: Self.start)
        #expect(abs(configured.requests!.ratePerSecond - 9.9) < 0.001)
    }

    @Test("remaining-* above zero on a success lower the level; zero on a success is not trusted")
    func remainingClamps() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 10, rpm: 6000), now: Self.start)
        budget.observe(RateLimitHeaders(remainingRequests: 0), success: true, cost: 1, now: Self.start)
        #expect(Self.sendAll(&budget, at: Self.start) == 99, "a 0 on a success is ignored")
        var clamped = LaneBudget(settings: LaneSettings(concurrency: 10, rpm: 6000), now: Self.start)
        clamped.observe(RateLimitHeaders(remainingRequests: 7), success: true, cost: 1, now: Self.start)
        #expect(Self.sendAll(&clamped, at: Self.start) == 7)
    }

    @Test("with no limit known, the first 429 starts a probe that measures the admitted rate")
    func probeMeasures() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 10), now: Self.start)
        budget.throttled(RateLimitHeaders(remainingRequests: 0), now: Self.start)
        #expect(budget.isProbing)
        #expect(budget.requests == nil, "a probe keeps the server saturated")
        // The server admits 50 a second during the probe.
        for ms in stride(from: Int64(20), through: 2000, by: 20) {
            budget.observe(RateLimitHeaders(remainingRequests: 1), success: true, cost: 1, now: Self.at(ms))
        }
        #expect(!budget.isProbing)
        let rate = try! #require(budget.requests?.ratePerSecond)
        #expect(abs(rate - 49) < 1.5, "98 % of the admitted 50/s, got \(rate)")
        #expect(budget.tokens == nil, "remaining-requests: 0 named the request limit")
        #expect(budget.wait(cost: 1, now: Self.at(2000)) > .zero, "a measured budget starts empty")
    }

    @Test("a measured budget rises 1 % per second without 429 and falls back at the next one")
    func measuredRisesAndFalls() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 10), now: Self.start)
        budget.throttled(RateLimitHeaders(), now: Self.start)
        var ms: Int64 = 0
        while !(!budget.isProbing && budget.requests != nil) {
            ms += 10
            budget.observe(RateLimitHeaders(), success: true, cost: 1, now: Self.at(ms))
        }
        let measured = budget.requests!.ratePerSecond
        for _ in 0..<1000 {
            ms += 10
            budget.observe(RateLimitHeaders(), success: true, cost: 1, now: Self.at(ms))
        }
        let raised = budget.requests!.ratePerSecond
        #expect(raised > measured * 1.08 && raised < measured * 1.12, "ten seconds: about +10 %")
        budget.throttled(RateLimitHeaders(), now: Self.at(ms))
        let corrected = budget.requests!.ratePerSecond
        #expect(abs(corrected - 98) < 3, "the last 3 s admitted 100/s: back to 98 %, got \(corrected)")
    }

    @Test(
        "which limit a 429 hit comes from its remaining headers",
        arguments: [
            (Optional(0), Optional(500), true, false),
            (Optional(12), Optional(3), false, true),
            (Optional(0), Optional(0), true, true),
            (nil, nil, true, true),
            (Optional(0), nil, true, false),
            (nil, Optional(0), false, true),
        ])
    func whichLimit(requestsLeft: Int?, tokensLeft: Int?, requestsHit: Bool, tokensHit: Bool) {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 10), now: Self.start)
        budget.throttled(
            RateLimitHeaders(remainingRequests: requestsLeft, remainingTokens: tokensLeft), now: Self.start)
        for ms in stride(from: Int64(10), through: 2100, by: 10) {
            budget.observe(RateLimitHeaders(), success: true, cost: 10, now: Self.at(ms))
        }
        #expect((budget.requests != nil) == requestsHit)
        #expect((budget.tokens != nil) == tokensHit)
    }

    @Test("a 429 empties the buckets, so sending resumes at the budget's pace rather than in a burst")
    func throttledEmpties() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 10, rpm: 6000), now: Self.start)
        budget.throttled(RateLimitHeaders(remainingRequests: 0), now: Self.start)
        #expect(Self.sendAll(&budget, at: Self.start) == 0)
        #expect(Self.sendAll(&budget, at: Self.at(100)) == 9, "99/s refills about ten in 100 ms")
    }

    @Test("remaining counts above the bucket are headroom, less what is in flight, until a quota 429")
    func headroom() {
        var budget = LaneBudget(settings: LaneSettings(concurrency: 64, rpm: 6000), now: Self.start)
        budget.observe(
            RateLimitHeaders(remainingRequests: 5989), success: true, cost: 1, othersInFlight: (10, 0),
            now: Self.start)
        #expect(Self.sendAll(&budget, at: Self.start) == 5979, "the table's first row")
        budget.observe(RateLimitHeaders(remainingRequests: 40), success: true, cost: 1, now: Self.at(1))
        #expect(budget.requests!.level <= 40)
        #expect(Self.sendAll(&budget, at: Self.at(1)) <= 40)
        budget.observe(
            RateLimitHeaders(remainingRequests: 100), success: true, cost: 1, othersInFlight: (10, 0),
            now: Self.at(1))
        #expect(Self.sendAll(&budget, at: Self.at(1)) == 0, "90 left is within the bucket: no headroom")
        budget.throttled(RateLimitHeaders(remainingRequests: 0), now: Self.at(2))
        #expect(!budget.trustsHeadroom)
        budget.observe(RateLimitHeaders(remainingRequests: 3000), success: true, cost: 1, now: Self.at(2))
        #expect(Self.sendAll(&budget, at: Self.at(2)) == 0, "paced evenly after a quota 429")
    }
}
