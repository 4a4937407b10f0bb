import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Synchronization
import Testing

@testable import BatchStore

@Suite("Learned limits kept across processes")
struct LearnedLimitsTests {
    let fixture: RunnerFixture
    let lane = LaneKey(endpoint: Settings.defaultEndpointName, model: "gpt-4o-mini")

    init() throws { fixture = try RunnerFixture() }

    @Test("what a lane learns is saved under the server's URL; a new process's lane starts from it")
    func savedAndSeeded() async throws {
        let first = try await fixture.submit(fixture.writeInput("a.jsonl", customIDs: ["a1", "a2", "a3"]))
        let announcing = ScriptedTransport { request, _ in
            var answer = RunnerFixture.ok(request)
            answer.headers.add(name: "x-ratelimit-limit-requests", value: "600000")
            return answer
        }
        guard case .completed = try await fixture.runner(first, announcing).run() else {
            Issue.record("the first job did not complete")
            return
        }
        let saved = try #require(
            try fixture.store.read {
                try $0.learnedBudget(server: "http://127.0.0.1:9/v1", model: "gpt-4o-mini")
            })
        #expect(abs((saved.requestsPerMinute ?? 0) - 600_000) < 1, "\(saved)")
        #expect(saved.tokensPerMinute == nil)
        #expect(saved.learnedAt == fixture.clock.now)

        // A new process: lanes of its own, nothing announced by the server this time.
        let second = try await fixture.submit(fixture.writeInput("b.jsonl", customIDs: ["b1", "b2"]))
        let seen = Mutex<Double?>(nil)
        let environment = fixture.environment(ScriptedTransport { _, _ in .json(200, "{}") })
        let (lanes, lane) = (environment.lanes, lane)
        var running = environment
        running.transport = ScriptedTransport { request, index in
            if index == 0 { seen.withLock { $0 = lanes.quota(lane)?.budget.requests?.ratePerSecond } }
            return RunnerFixture.ok(request)
        }
        // The learned budget starts empty: the clock must move for the first request to go.
        let clock = fixture.clock
        let ticking = Task {
            while !Task.isCancelled {
                await clock.waitForSleepers(1, maxYields: 10_000)
                clock.advance(by: .milliseconds(5))
            }
        }
        defer { ticking.cancel() }
        guard case .completed = try await JobRunner(jobID: second.id, environment: running).run() else {
            Issue.record("the second job did not complete")
            return
        }
        let rate = try #require(seen.withLock { $0 })
        #expect(abs(rate - 600_000 / 60 * LaneBudget.measuredShare) < 1, "98 % of the learned limit: \(rate)")
    }

    @Test("a learned budget older than 24 hours is not used; a newer save replaces an older one")
    func freshness() async throws {
        let now = fixture.clock.now
        let old = LearnedBudget(
            requestsPerMinute: 600, tokensPerMinute: nil, window: 8,
            learnedAt: Timestamp(milliseconds: now.milliseconds - 24 * 3_600_000 - 1))
        try await fixture.store.saveLearnedBudget(old, server: "http://s/v1", model: "m")
        #expect(try await fixture.store.learnedBudget(server: "http://s/v1", model: "m", now: now) == nil)
        let fresh = LearnedBudget(requestsPerMinute: 500, tokensPerMinute: 90_000, window: 12, learnedAt: now)
        try await fixture.store.saveLearnedBudget(fresh, server: "http://s/v1", model: "m")
        #expect(try await fixture.store.learnedBudget(server: "http://s/v1", model: "m", now: now) == fresh)
        #expect(try await fixture.store.learnedBudget(server: "http://s/v1", model: "other", now: now) == nil)
        #expect(try await fixture.store.learnedBudget(server: "http://t/v1", model: "m", now: now) == nil)
    }
}
