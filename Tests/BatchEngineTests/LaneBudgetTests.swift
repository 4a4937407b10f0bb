import BatchCore
import BatchStore
import Testing

@testable import BatchEngine

@Suite("Lane budgets")
struct LaneBudgetTests {
    static let start = Timestamp(milliseconds: 5_000_000)
    static let key = LaneKey(endpoint: "e", model: "m")

    static func item(_ line: Int, cost: Int = 0) -> DispatchItem {
        DispatchItem(
            request: PendingRequest(
                line: line, offset: 0, length: 1, customID: "c\(line)", path: "chat/completions", model: "m",
                attempts: 0, nextAttemptAt: start, cost: cost),
            lane: key)
    }

    static func state(_ settings: LaneSettings) -> DispatchState {
        DispatchState(lowWatermark: 1) { _ in settings }
    }

    static func sendAll(_ state: inout DispatchState, at now: Timestamp) -> [Int] {
        var lines: [Int] = []
        while let item = state.next(now: now) { lines.append(item.request.line) }
        return lines
    }

    @Test("a configured RPM lets one second's worth through, then paces the rest")
    func configuredRPM() {
        var state = Self.state(LaneSettings(concurrency: 100, rpm: 600))
        state.load((1...20).map { Self.item($0) }, now: Self.start)
        let burst = Self.sendAll(&state, at: Self.start)
        #expect(burst.count == 9, "capacity is 99 % of 10")
        let wake = try! #require(state.nextWakeup(now: Self.start))
        #expect(wake > Self.start)
        #expect(Self.sendAll(&state, at: wake).count == 1)
    }

    @Test("a configured TPM charges each request's estimated cost")
    func configuredTPM() {
        var state = Self.state(LaneSettings(concurrency: 100, tpm: 60_000))
        state.load((1...10).map { Self.item($0, cost: 300) }, now: Self.start)
        #expect(Self.sendAll(&state, at: Self.start).count == 3, "990 tokens a second hold three requests of 300")
        #expect(Self.sendAll(&state, at: Self.start.advanced(by: .milliseconds(100))).isEmpty)
    }

    @Test("limits learned from x-ratelimit-limit-* headers pace an unconfigured lane")
    func learnedFromHeaders() {
        var state = Self.state(LaneSettings(concurrency: 100))
        state.load((1...50).map { Self.item($0) }, now: Self.start)
        let first = Self.sendAll(&state, at: Self.start)
        #expect(first.count == 50, "no limit known: only the concurrency applies")
        var more = Self.state(LaneSettings(concurrency: 100))
        more.load((1...50).map { Self.item($0) }, now: Self.start)
        _ = more.next(now: Self.start)
        more.observe(
            lane: Self.key, headers: RateLimitHeaders(limitRequests: 120), success: true, now: Self.start)
        #expect(Self.sendAll(&more, at: Self.start).count == 1, "120 RPM: about two a second")
    }

    @Test("a 429 empties the budget, so sending resumes at the budget's rate rather than in a burst")
    func throttledEmpties() {
        var state = Self.state(LaneSettings(concurrency: 100, rpm: 6000))
        state.load((1...300).map { Self.item($0) }, now: Self.start)
        let sent = (0..<3).compactMap { _ in state.next(now: Self.start) }
        var retried = sent[0]
        retried.due = Self.start.advanced(by: .milliseconds(500))
        state.retry(retried, pauseLane: true, now: Self.start)
        let afterPause = retried.due
        state.finished(sent[1], succeeded: true, now: afterPause)
        state.finished(sent[2], succeeded: true, now: afterPause)
        let resumed = Self.sendAll(&state, at: afterPause)
        #expect(resumed.count <= 3, "half a second refills ~50, but the 429 narrowed the window to one")
    }

    @Test("with no limit known, a 429 sets the request budget to the rate of recent successes")
    func estimatedAfter429() {
        var state = Self.state(LaneSettings(concurrency: 1000))
        state.load((1...500).map { Self.item($0) }, now: Self.start)
        // 20 successes a second for two seconds.
        var now = Self.start
        for _ in 0..<40 {
            let item = state.next(now: now)!
            state.observe(lane: Self.key, headers: RateLimitHeaders(), success: true, now: now)
            state.finished(item, succeeded: true, now: now)
            now = now.advanced(by: .milliseconds(50))
        }
        var throttled = state.next(now: now)!
        throttled.due = now
        state.retry(throttled, pauseLane: true, now: now)
        let budget = try! #require(state.lanes[Self.key]?.budget.requests)
        #expect(abs(budget.ratePerSecond - 20) < 2)
    }
}
