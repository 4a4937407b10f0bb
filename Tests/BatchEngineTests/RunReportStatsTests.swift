import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Foundation
import Synchronization
import Testing

/// The report's latencies, costs, time split, limits and timeline, written by real runs.
@Suite("JobRunner: the report's statistics")
struct RunReportStatsTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    private func report(_ job: JobRecord) throws -> [String: Any] {
        let path = OutputFiles(input: job.inputPath).report
        return try #require(JobFixtures.object(try String(contentsOfFile: path, encoding: .utf8)))
    }

    @Test("latency percentiles per lane, cost per model at the live price, time sending, timeline")
    func oneRun() async throws {
        let ids = (1...10).map { "s\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 1))
        let clock = fixture.clock
        // One at a time, the server takes 10, 20, … 100 ms.
        let transport = ScriptedTransport { request, index in
            clock.advance(by: .milliseconds(10 * Int64(index + 1)))
            return RunnerFixture.ok(request)
        }
        let outcome = try await fixture.runner(job, transport).run()
        guard case .completed(let done) = outcome else {
            Issue.record("expected completed, got \(outcome)")
            return
        }
        let report = try report(done)
        let lanes = try #require(report["lanes"] as? [String: [String: Any]])
        let lane = try #require(lanes["\(Settings.defaultEndpointName)/gpt-4o-mini"])
        #expect(lane["answers"] as? Int == 10)
        #expect(lane["p50_ms"] as? Int == 50)
        #expect(lane["p90_ms"] as? Int == 90)
        #expect(lane["p99_ms"] as? Int == 100)
        #expect(lane["max_ms"] as? Int == 100)
        let limits = try #require(lane["limits"] as? [String: Any])
        #expect(limits["concurrency"] as? Int == 1)
        #expect(limits["window"] as? Int == 1)

        let prompt = ids.map { RunnerFixture.promptTokens(RunnerFixture.content(for: $0)) }.reduce(0, +)
        let price = try #require(fixture.environment(transport).settings.prices.price(of: "gpt-4o-mini"))
        let expected = try #require(
            SpendingCap.cost(
                TokenUsage(promptTokens: prompt, completionTokens: 20, totalTokens: prompt + 20),
                price: price.price))
        let cost = try #require((report["cost"] as? [String: [String: Any]])?["gpt-4o-mini"])
        #expect(cost["tier"] as? String == "live")
        #expect(cost["priced_as"] as? String == "gpt-4o-mini")
        #expect(abs((cost["usd"] as? Double ?? -1) - expected) < 1e-6)
        #expect(expected > 0)

        #expect(report["wall_seconds"] as? Double == 0.55, "this run's time counts in its own report")
        let time = try #require(report["time"] as? [String: Double])
        #expect(
            time["sending_seconds"] == 0.55, "the manual clock moved 550 ms, each with one request in flight")
        #expect(time["waiting_for_quota_seconds"] == 0)

        let timeline = try #require(report["timeline"] as? [[String: Any]])
        #expect(timeline.count == 1, "550 ms from a start on a multiple of 10 s: one interval")
        #expect(timeline.first?["finished"] as? Int == 10)
        #expect(timeline.first?["tokens"] as? Int == prompt + 20)
        #expect(timeline.first?["throttled"] as? Int == 0)
        #expect(timeline.first?["start"] as? String == "2023-11-14T22:13:20Z")
    }

    @Test("a job drained and run again: the report adds both runs' answers, 429s and time")
    func acrossRuns() async throws {
        let ids = (1...6).map { "r\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 1))
        let clock = fixture.clock
        let first = Mutex<JobRunner?>(nil)
        let transport = ScriptedTransport { request, index in
            clock.advance(by: .milliseconds(20))
            if index == 1 {
                return .json(429, #"{"error":{"code":"rate_limited"}}"#, headers: ["retry-after-ms": "0"])
            }
            // The first run stops after its fourth answer: what it sent is recorded, the rest waits.
            if index == 3 { first.withLock { $0 }?.drain() }
            return RunnerFixture.ok(request)
        }
        let runner = fixture.runner(job, transport)
        first.withLock { $0 = runner }
        guard case .drained = try await runner.run() else {
            Issue.record("the first run should drain")
            return
        }
        let outcome = try await fixture.runner(job, transport).run()
        guard case .completed(let done) = outcome else {
            Issue.record("expected completed, got \(outcome)")
            return
        }
        let report = try report(done)
        let lanes = try #require(report["lanes"] as? [String: [String: Any]])
        let lane = try #require(lanes.values.first)
        #expect(lane["answers"] as? Int == ids.count + 1, "six successes and one 429, over two runs")
        let timeline = try #require(report["timeline"] as? [[String: Any]])
        #expect(timeline.map { $0["finished"] as? Int ?? 0 }.reduce(0, +) == ids.count)
        #expect(timeline.map { $0["throttled"] as? Int ?? 0 }.reduce(0, +) == 1)
        let time = try #require(report["time"] as? [String: Double])
        #expect(time["sending_seconds"] == 0.14, "seven answers of 20 ms, one at a time, over both runs")
    }
}
