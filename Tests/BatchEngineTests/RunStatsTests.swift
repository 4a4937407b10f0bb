import BatchCore
import BatchEngine
import Foundation
import Testing

@Suite("RunStats: latencies, timeline, time split, merged over runs")
struct RunStatsTests {
    static let t0 = Timestamp(milliseconds: 1_700_000_000_000)

    @Test("percentiles of 1…1000 ms are within the histogram's 0.1 %")
    func percentiles() {
        var histogram = LatencyHistogram()
        for ms in Int64(1)...1000 { histogram.record(milliseconds: ms) }
        #expect(histogram.count == 1000)
        #expect(abs(histogram.value(atPercentile: 50) - 500) <= 1)
        #expect(abs(histogram.value(atPercentile: 90) - 900) <= 1)
        #expect(abs(histogram.value(atPercentile: 99) - 990) <= 1)
        #expect(abs(histogram.max - 1000) <= 1)
        #expect(LatencyHistogram().value(atPercentile: 99) == 0, "an empty histogram reports 0")
    }

    @Test("a histogram encodes as its values and counts and decodes to the same percentiles")
    func histogramRoundTrip() throws {
        var histogram = LatencyHistogram()
        for ms: Int64 in [5, 5, 5, 70, 120_000] { histogram.record(milliseconds: ms) }
        let data = try JSONEncoder().encode(histogram)
        let pairs = try #require(try JSONSerialization.jsonObject(with: data) as? [[Int]])
        #expect(pairs.map { $0[1] }.reduce(0, +) == 5)
        #expect(pairs.first == [5, 3])
        let decoded = try JSONDecoder().decode(LatencyHistogram.self, from: data)
        #expect(decoded == histogram)
        #expect(decoded.max == histogram.max)
        #expect(decoded.max >= 119_900, "values past the initial range are kept (the histogram grows)")
    }

    @Test("the timeline counts per 10 s interval aligned on the epoch")
    func timeline() {
        var stats = RunStats()
        stats.finished(succeeded: true, now: Self.t0.advanced(by: .milliseconds(9_999)))
        stats.finished(succeeded: false, now: Self.t0.advanced(by: .milliseconds(10_000)))
        stats.answered(
            lane: "default/m", latency: .milliseconds(40), throttled: true, tokens: 0,
            now: Self.t0.advanced(by: .milliseconds(10_500)))
        stats.answered(
            lane: "default/m", latency: .milliseconds(40), throttled: false, tokens: 12,
            now: Self.t0.advanced(by: .milliseconds(25_000)))
        let intervals = stats.timeline.ordered
        #expect(intervals.map(\.start) == [0, 10_000, 20_000].map { Self.t0.milliseconds + $0 })
        #expect(intervals.map(\.finished) == [1, 1, 0])
        #expect(intervals.map(\.failed) == [0, 1, 0])
        #expect(intervals.map(\.throttled) == [0, 1, 0])
        #expect(intervals.map(\.tokens) == [0, 0, 12])
    }

    @Test("a second run's document adds to the first: latencies, intervals, time; its limits win")
    func adding() throws {
        var first = RunStats()
        first.answered(lane: "e/m", latency: .milliseconds(10), throttled: false, tokens: 5, now: Self.t0)
        first.finished(succeeded: true, now: Self.t0)
        first.spent(300, sending: true)
        first.spent(200, sending: false)
        first.lanes["e/m"]!.limits = .init(
            window: 4, concurrency: 8, requestsPerMinute: 60, tokensPerMinute: nil)
        var second = RunStats()
        second.answered(lane: "e/m", latency: .milliseconds(30), throttled: true, tokens: 0, now: Self.t0)
        second.answered(lane: "e/n", latency: .milliseconds(20), throttled: false, tokens: 7, now: Self.t0)
        second.spent(100, sending: true)
        second.lanes["e/m"]!.limits = .init(
            window: 8, concurrency: 8, requestsPerMinute: 90, tokensPerMinute: nil)

        let sum = first.adding(second)
        #expect(sum.lanes["e/m"]?.latency.count == 2)
        #expect(sum.lanes["e/m"]?.latency.max == 30)
        #expect(sum.lanes["e/n"]?.latency.count == 1)
        #expect(sum.lanes["e/m"]?.limits?.requestsPerMinute == 90)
        #expect(sum.sendingMilliseconds == 400)
        #expect(sum.waitingMilliseconds == 200)
        let interval = try #require(sum.timeline.ordered.first)
        #expect((interval.finished, interval.throttled, interval.tokens) == (1, 1, 12))
        // The document saved in the store decodes to what was encoded.
        let decoded = try JSONDecoder().decode(RunStats.self, from: try JSONEncoder().encode(sum))
        #expect(decoded == sum)
    }
}
