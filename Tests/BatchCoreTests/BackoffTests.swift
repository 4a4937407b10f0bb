import BatchCore
import Testing

@Suite("Backoff")
struct BackoffTests {
    /// The table in the doc comment of `Backoff` (defaults: base 0.5 s, maximum 60 s).
    @Test(
        "default ceilings follow the documented table",
        arguments: [
            (1, 500), (2, 1_000), (3, 2_000), (4, 4_000), (5, 8_000), (6, 16_000), (7, 32_000), (8, 60_000),
            (9, 60_000), (20, 60_000), (1_000, 60_000),
        ])
    func defaultCeilings(retry: Int, milliseconds: Int64) {
        #expect(Backoff().ceiling(forRetry: retry) == .milliseconds(milliseconds))
    }

    @Test("ceiling is base × 2^(n−1), capped at the maximum", arguments: 1...12)
    func customCeilings(retry: Int) {
        let backoff = Backoff(base: .milliseconds(30), maximum: .seconds(5))
        let expected = min(5_000, 30 * (Int64(1) << (retry - 1)))
        #expect(backoff.ceiling(forRetry: retry) == .milliseconds(expected))
    }

    @Test("a retry number below 1 gets the base ceiling", arguments: [0, -3])
    func retryBelowOne(retry: Int) {
        #expect(Backoff().ceiling(forRetry: retry) == .milliseconds(500))
    }

    @Test("full jitter: the wait is unitRandom × ceiling", arguments: 1...9)
    func jitterBounds(retry: Int) {
        let backoff = Backoff()
        let ceiling = backoff.ceiling(forRetry: retry).wholeMillisecondsRoundedUp
        #expect(backoff.delay(forRetry: retry, unitRandom: 0) == .zero)
        #expect(backoff.delay(forRetry: retry, unitRandom: 0.5) == .milliseconds(ceiling / 2))
        let high = backoff.delay(forRetry: retry, unitRandom: 0.999).wholeMillisecondsRoundedUp
        #expect(high <= ceiling)
        #expect(high >= (ceiling * 99) / 100)
        #expect(high == Int64((Double(ceiling) * 0.999).rounded()))
    }

    @Test("unitRandom outside 0...1 is clamped", arguments: [(-1.0, false), (1.5, true), (7, true)])
    func clamped(unitRandom: Double, atCeiling: Bool) {
        let backoff = Backoff(base: .milliseconds(200), maximum: .seconds(1))
        let delay = backoff.delay(forRetry: 2, unitRandom: unitRandom)
        #expect(delay == (atCeiling ? .milliseconds(400) : .zero))
    }
}
