import BatchCore
import Testing

@Suite("Concurrency limit")
struct ConcurrencyLimitTests {
    /// Feeds `count` successes, each answered after `latencyMs`.
    static func answer(_ limit: inout ConcurrencyLimit, _ count: Int, latencyMs: Double) {
        for _ in 0..<count { limit.succeeded(latencyMs: latencyMs) }
    }

    /// Feeds one round: as many successes as the window (at least 16), latencies from `latency`.
    static func round(_ limit: inout ConcurrencyLimit, latency: (Int) -> Double) {
        for _ in 0..<max(limit.window, 16) { limit.succeeded(latencyMs: latency(limit.window)) }
    }

    /// A configured cap of 64 with a 100 ms baseline, after one slow round shrank it to 51.
    static func slowedOnce() -> ConcurrencyLimit {
        var limit = ConcurrencyLimit(cap: 64)
        answer(&limit, 64, latencyMs: 100)
        answer(&limit, 64, latencyMs: 1000)
        #expect(limit.window == 51, "one slow round: 64 × 0.8")
        return limit
    }

    @Test("the worked example of the doc comment, round by round")
    func workedExample() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        #expect(limit.window == 4)
        let rounds: [(answers: Int, latency: Double, window: Int)] = [
            (16, 400, 20), (20, 410, 40), (40, 520, 64), (64, 1100, 51), (51, 1100, 51), (51, 700, 52),
            (52, 1000, 41), (41, 1000, 41), (41, 1000, 32), (32, 1000, 32), (32, 1000, 32), (32, 1000, 64),
        ]
        for (index, round) in rounds.enumerated() {
            Self.answer(&limit, round.answers, latencyMs: round.latency)
            #expect(limit.window == round.window, "after round \(index + 1)")
        }
        #expect(limit.baselineMs == 1000, "no relief twice: the slower answers are the new normal")
        #expect(limit.threshold == 64)
    }

    @Test("a configured cap opens at once; a cautious one slow-starts, doubling per round")
    func start() {
        #expect(ConcurrencyLimit(cap: 32).window == 32)
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        var windows = [limit.window]
        while limit.window < 64 {
            Self.round(&limit) { _ in 300 }
            windows.append(limit.window)
        }
        #expect(windows == [4, 20, 40, 64])
        #expect(ConcurrencyLimit(cap: 2, cautiousStart: true).window == 2, "never above the cap")
    }

    @Test("a server that queues is found: the window settles near its knee, not at the cap")
    func findsTheKnee() {
        // The server works on 8 requests at once, 400 ms each; beyond 8 they queue, so latency
        // grows in proportion to the window.
        var limit = ConcurrencyLimit(cap: 256, cautiousStart: true)
        var windows: [Int] = []
        for _ in 0..<400 {
            Self.round(&limit) { window in 400 * max(1, Double(window) / 8) }
            windows.append(limit.window)
        }
        let settled = windows.dropFirst(50)
        #expect(settled.max()! <= 32, "stays within 4 × the knee: \(settled.max()!)")
        #expect(settled.min()! >= 8, "keeps the server busy: \(settled.min()!)")
    }

    @Test("answers that got slower for good are the new normal after two decreases")
    func slowerAnswers() {
        var limit = ConcurrencyLimit(cap: 64)
        for _ in 0..<5 { Self.round(&limit) { _ in 400 } }
        var windows: [Int] = []
        for _ in 0..<20 {
            Self.round(&limit) { _ in 2000 }
            windows.append(limit.window)
        }
        #expect(windows.min()! >= 40, "two decreases at most: \(windows)")
        #expect(limit.window == 64)
        #expect(limit.baselineMs == 2000)
    }

    @Test("answers whose length varies but not with load never shrink the window")
    func variedAnswers() {
        var limit = ConcurrencyLimit(cap: 128, cautiousStart: true)
        var seed: UInt64 = 42
        var smallest = Int.max
        for _ in 0..<5000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // From 200 ms to 6 s, whatever the window: long answers are not a slowdown.
            limit.succeeded(latencyMs: 200 + Double((seed >> 33) % 5800))
            if limit.window > 20 { smallest = min(smallest, limit.window) }
        }
        #expect(limit.window == 128)
        #expect(smallest > 20, "never shrank once grown")
    }

    @Test("a local server's millisecond jitter stays within the slack")
    func jitter() {
        var limit = ConcurrencyLimit(cap: 64)
        for i in 0..<2000 { limit.succeeded(latencyMs: i % 10 == 0 ? 40 : 1) }
        #expect(limit.window == 64)
    }

    @Test("a 429 restarts from one request and slow-starts back to the threshold only")
    func throttled() {
        var limit = Self.slowedOnce()
        limit.throttled()
        #expect(limit.window == 1)
        Self.answer(&limit, 8, latencyMs: 100)
        #expect(limit.window == 9, "one more per success")
        Self.answer(&limit, 100, latencyMs: 100)
        #expect(limit.window >= 51 && limit.window <= 54, "back to the threshold, then + 1 per round")
        #expect(limit.threshold == 51, "a 429 is a rate signal: the threshold stays")
    }

    @Test("a new cap: a window at the old cap follows it; slowdowns never go below two")
    func caps() {
        var limit = ConcurrencyLimit(cap: 10)
        limit.setCap(3)
        #expect(limit.window == 3)
        limit.setCap(12)
        #expect(limit.window == 12)
        limit.setCap(3)
        Self.answer(&limit, 16, latencyMs: 10)
        // Slow rounds, each a little faster than the last (relief, so still a queue), each judged
        // round followed by one that is not.
        for latency in [10_000.0, 10_000, 9000, 9000, 8000, 8000] {
            Self.answer(&limit, 16, latencyMs: latency)
        }
        #expect(limit.window == 2)
    }

    @Test("a success of unknown latency widens a slow start but is not a latency sample")
    func unknownLatency() {
        var limit = ConcurrencyLimit(cap: 64, cautiousStart: true)
        for _ in 0..<40 { limit.succeeded(latencyMs: nil) }
        #expect(limit.window == 44)
        #expect(limit.baselineMs == nil, "no round was judged")
        Self.answer(&limit, 44, latencyMs: 300)
        #expect(limit.baselineMs == 300)
    }

    @Test("a 429 starts the no-relief count over")
    func throttledForgetsSlowRounds() {
        var limit = Self.slowedOnce()
        limit.throttled()
        for _ in 0..<3 { Self.round(&limit) { _ in 1000 } }  // judged, not judged, judged
        #expect(limit.baselineMs == 100, "only one slow round without relief since the 429")
    }
}
