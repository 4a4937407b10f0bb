import BatchCore
import Testing

@Suite("Budgets learned by an earlier process")
struct LearnedBudgetTests {
    static let start = Timestamp(milliseconds: 9_000_000)

    static func at(_ ms: Int64) -> Timestamp { start.advanced(by: .milliseconds(ms)) }

    static let learned = LearnedBudget(
        requestsPerMinute: 6000, tokensPerMinute: 600_000, window: 24, learnedAt: start)

    @Test("a lane starts at 98 % of what was learned, its buckets empty, and keeps what it knows")
    func startsFromLearned() {
        let budget = LaneBudget(
            settings: LaneSettings(concurrency: 64), learned: Self.learned, now: Self.start)
        #expect(abs(budget.requests!.ratePerSecond - 98) < 0.001)
        #expect(abs(budget.tokens!.ratePerSecond - 9800) < 0.001)
        #expect(budget.wait(cost: 1, now: Self.start) > .zero, "empty: the server's may be spent")
        #expect(!budget.isProbing)
        #expect(budget.learnedPerMinute.requests == 6000 && budget.learnedPerMinute.tokens == 600_000)
        #expect(budget.holdsQuota(cost: 1, now: Self.start) == true, "98 % paces within what was shown")
    }

    @Test("a configured limit wins over a learned one, and is not kept as learned")
    func configuredWins() {
        let budget = LaneBudget(
            settings: LaneSettings(concurrency: 64, rpm: 600), learned: Self.learned, now: Self.start)
        #expect(abs(budget.requests!.ratePerSecond - 9.9) < 0.001)
        #expect(budget.learnedPerMinute.requests == nil)
        #expect(budget.learnedPerMinute.tokens == 600_000)
    }

    @Test("a learned budget still probes upward, at the slowest rise")
    func risesSlowly() {
        var budget = LaneBudget(
            settings: LaneSettings(concurrency: 64), learned: Self.learned, now: Self.start)
        for ms in stride(from: Int64(10), through: 10_000, by: 10) {
            budget.observe(RateLimitHeaders(), success: true, cost: 1, now: Self.at(ms))
        }
        let expected = 98 * pow1p(LaneBudget.learnedRise, 10)
        #expect(abs(budget.requests!.ratePerSecond - expected) < 0.01, "\(budget.requests!.ratePerSecond)")
    }

    @Test("a window nobody configured opens at the learned one, never below the initial window")
    func window() {
        #expect(ConcurrencyLimit(cap: 64, cautiousStart: true, learnedWindow: 24).window == 24)
        #expect(ConcurrencyLimit(cap: 16, cautiousStart: true, learnedWindow: 24).window == 16)
        #expect(ConcurrencyLimit(cap: 64, cautiousStart: true, learnedWindow: 1).window == 4)
        #expect(ConcurrencyLimit(cap: 8, cautiousStart: false, learnedWindow: 2).window == 8)
        var quota = LaneQuota(
            settings: LaneSettings(concurrency: 64, cautiousStart: true), learned: Self.learned,
            now: Self.start)
        #expect(quota.window == 24)
        quota.join(tenant: 1, weight: 1)
        #expect(
            quota.learned(now: Self.at(5))
                == LearnedBudget(
                    requestsPerMinute: 6000, tokensPerMinute: 600_000, window: 24, learnedAt: Self.at(5)))
        #expect(
            LaneQuota(settings: LaneSettings(concurrency: 4), now: Self.start).learned(now: Self.start) == nil
        )
    }

    @Test(
        "fresh for 24 hours", arguments: [(Int64(0), true), (86_400_000, true), (86_400_001, false)])
    func freshness(ageMs: Int64, fresh: Bool) {
        #expect(Self.learned.isFresh(now: Self.at(ageMs)) == fresh)
    }

    /// (1 + rate)^seconds.
    func pow1p(_ rate: Double, _ seconds: Int) -> Double {
        (0..<seconds).reduce(1.0) { value, _ in value * (1 + rate) }
    }
}
