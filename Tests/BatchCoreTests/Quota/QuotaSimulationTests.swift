import BatchCore
import Testing

/// The quota engine against a simulated server, in simulated time: how close to the limit's lower
/// bound a job finishes, and how many 429s it draws, with limits configured, announced or unknown.
@Suite("Quota engine against a simulated server")
struct QuotaSimulationTests {
    static let requests = 3000

    func check(
        _ simulation: QuotaSimulation, requests: Int = requests, maxRatio: Double, maxThrottledShare: Double?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let result = simulation.run(requests: requests)
        let bound = simulation.lowerBound(requests: requests)
        let ratio = result.seconds / bound
        #expect(
            ratio <= maxRatio, "took \(result.seconds) s for a bound of \(bound) s",
            sourceLocation: sourceLocation)
        #expect(
            ratio >= 0.99, "faster than the limit allows: the model is wrong", sourceLocation: sourceLocation)
        if let maxThrottledShare {
            #expect(
                Double(result.throttled) / Double(requests) < maxThrottledShare,
                "\(result.throttled) 429s", sourceLocation: sourceLocation)
        }
    }

    @Test("configured RPM: within 3 % of the bound, under 1 % answered 429")
    func configuredRPM() {
        check(
            QuotaSimulation(rpm: 6000, style: .azure, settings: LaneSettings(concurrency: 64, rpm: 6000)),
            maxRatio: 1.03, maxThrottledShare: 0.01)
    }

    @Test("announced RPM (OpenAI headers), nothing configured: within 3 %, under 1 % answered 429")
    func announcedRPM() {
        check(
            QuotaSimulation(rpm: 6000, style: .openAI, settings: LaneSettings(concurrency: 64)),
            maxRatio: 1.03, maxThrottledShare: 0.01)
    }

    @Test("unknown RPM (Azure headers only): measured, within 15 % of the bound")
    func measuredRPM() {
        check(
            QuotaSimulation(rpm: 6000, style: .azure, settings: LaneSettings(concurrency: 64)),
            maxRatio: 1.15, maxThrottledShare: nil)
    }

    @Test("configured TPM binding (long max_tokens): within 3 %, under 1 % answered 429")
    func configuredTPM() {
        check(
            QuotaSimulation(
                rpm: 6000, tpm: 60_000, style: .azure, cost: 500,
                settings: LaneSettings(concurrency: 64, rpm: 6000, tpm: 60_000)),
            requests: 600, maxRatio: 1.03, maxThrottledShare: 0.01)
    }

    @Test("unknown TPM binding (Azure headers only): measured, within 15 % of the bound")
    func measuredTPM() {
        check(
            QuotaSimulation(
                rpm: 6000, tpm: 60_000, style: .azure, cost: 500, settings: LaneSettings(concurrency: 64)),
            requests: 600, maxRatio: 1.15, maxThrottledShare: nil)
    }

    @Test("a measured budget settles near the real limit")
    func measuredBudgetSettles() {
        let result = QuotaSimulation(rpm: 6000, style: .azure, settings: LaneSettings(concurrency: 64))
            .run(requests: Self.requests)
        let rate = try! #require(result.quota.budget.requests?.ratePerSecond)
        #expect(rate > 90 && rate < 110, "budget \(rate)/s for a limit of 100/s")
        #expect(result.quota.budget.tokens == nil, "only the request limit was hit")
    }

    @Test("random 429s (3 %) on a fast server with room: only their requests wait, the lane never pauses")
    func random429sDoNotPauseTheLane() {
        for settings in [LaneSettings(concurrency: 64, cautiousStart: true), LaneSettings(concurrency: 64)] {
            let simulation = QuotaSimulation(
                rpm: 6_000_000, style: .azure, latencyMs: 5, settings: settings, random429Every: 33)
            let result = simulation.run(requests: Self.requests)
            #expect(result.throttled >= Self.requests / 33, "\(result.throttled) 429s")
            #expect(result.paused == 0, "\(result.paused) of \(result.throttled) 429s paused the lane")
            #expect(result.quota.window == 64, "never narrowed")
            #expect(result.quota.budget.requests == nil, "no limit measured from random 429s")
            // 3,000 requests at 64 per 5 ms take 0.25 s; a retry that draws a 429 again waits again.
            #expect(result.seconds < 3, "took \(result.seconds) s")
        }
    }

    @Test("random 429s on a lane at its measured limit do not drive its budget towards zero")
    func random429sAtTheLimit() {
        // Before quota and capacity 429s were told apart, this run took 8.3 × its bound and ended
        // with a budget of 10/s.
        let result = QuotaSimulation(
            rpm: 6000, style: .azure, settings: LaneSettings(concurrency: 64), random429Every: 33
        ).run(requests: Self.requests)
        let bound = QuotaSimulation(rpm: 6000, style: .azure, settings: LaneSettings(concurrency: 64))
            .lowerBound(requests: Self.requests)
        #expect(result.seconds / bound <= 2, "took \(result.seconds) s for a bound of \(bound) s")
        let rate = try! #require(result.quota.budget.requests?.ratePerSecond)
        #expect(rate > 50, "budget \(rate)/s for a limit of 100/s")
    }

    @Test("a second process on a lane learned before: at most 5 answered 429s in its first minute")
    func learnedLane() {
        // The first process measures the limit; what it keeps is what it was shown to admit.
        let first = QuotaSimulation(rpm: 6000, style: .azure, settings: LaneSettings(concurrency: 64))
            .run(requests: Self.requests)
        let perMinute = try! #require(first.quota.learned(now: Timestamp(milliseconds: 0))?.requestsPerMinute)
        #expect(perMinute > 5400 && perMinute < 6600, "learned \(perMinute) RPM of 6,000")
        let learned = LearnedBudget(
            requestsPerMinute: perMinute, tokensPerMinute: nil, window: 64,
            learnedAt: Timestamp(milliseconds: 0))
        let second = QuotaSimulation(
            rpm: 6000, style: .azure, settings: LaneSettings(concurrency: 64, cautiousStart: true),
            learned: learned)
        let result = second.run(requests: 6000)  // a minute's worth at the limit
        #expect(result.throttled <= 5, "\(result.throttled) 429s")
        #expect(result.seconds / second.lowerBound(requests: 6000) <= 1.05, "took \(result.seconds) s")
    }

    @Test(
        "a minute's bucket full at start (OpenAI): the announced headroom is used, within 10 % of the bound",
        arguments: [LaneSettings(concurrency: 64), LaneSettings(concurrency: 64, rpm: 6000)])
    func minuteBucketHeadroom(settings: LaneSettings) {
        let simulation = QuotaSimulation(rpm: 6000, style: .openAI, settings: settings, burstSeconds: 60)
        let result = simulation.run(requests: 10_000)
        let bound = simulation.lowerBound(requests: 10_000)
        #expect(bound == 40)
        #expect(result.seconds / bound <= 1.10, "took \(result.seconds) s for a bound of \(bound) s")
        #expect(result.seconds / bound >= 0.99, "faster than the limit allows: the model is wrong")
    }
}
