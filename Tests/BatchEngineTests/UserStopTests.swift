import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import Foundation
import Testing

/// `batchctl pause` and `cancel` as the job runner sees them: a request on the job's row, polled.
@Suite("JobRunner: pause and cancel by a user")
struct UserStopTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// Moves the manual clock a poll at a time until `condition` holds (at most 40 polls: 10 s,
    /// well inside the drain timeout).
    func pollUntil(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<40 {
            if await fixture.clock.waitUntil(maxYields: 20_000, condition) { return true }
            fixture.clock.advance(by: .milliseconds(250))
        }
        return condition()
    }

    func gatedRun(_ count: Int) async throws -> (JobRecord, ScriptedTransport, AnswerGate, JobRunner) {
        let ids = (0..<count).map { "u\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 2))
        let gate = AnswerGate()
        let transport = ScriptedTransport { request, _ in
            await gate.wait()
            return RunnerFixture.ok(request)
        }
        var environment = fixture.environment(transport)
        environment.stopPoll = StopPoll(interval: .milliseconds(250), clock: fixture.clock)
        return (job, transport, gate, JobRunner(jobID: job.id, environment: environment))
    }

    @Test(
        "pause: no new request starts, those in flight are recorded, the job is paused_by_user; resume goes on"
    )
    func pauseAndResume() async throws {
        let (job, transport, gate, runner) = try await gatedRun(20)
        let run = Task { try await runner.run() }
        try #require(await fixture.clock.waitUntil { transport.requests.count == 2 })

        let asked = try await fixture.store.pauseByUser(
            job: job.id, now: fixture.clock.now, isAlive: { _ in true })
        #expect(asked == .requested(pid: ProcessInfo.processInfo.processIdentifier))
        #expect(await pollUntil { runner.progress.snapshot.phase == .draining })
        gate.open()
        guard case .paused(let paused) = try await run.value else {
            Issue.record("expected paused")
            return
        }

        #expect(transport.requests.count == 2, "no request started after the pause was seen")
        #expect(paused.state == .paused)
        #expect(paused.stateCode == .pausedByUser)
        #expect(paused.counts.succeeded == 2, "the requests in flight were recorded")
        #expect(try await fixture.store.stopRequest(job: job.id) == nil, "the request is cleared")

        guard case .resumed = try await fixture.store.resume(job: job.id, now: fixture.clock.now) else {
            Issue.record("expected resumed")
            return
        }
        let done = try await fixture.runner(job, transport).run()
        #expect(done.job.state == .completed)
        let results = RunnerFixture.objects(OutputFiles(input: job.inputPath).results)
        #expect(results.count == 20)
        #expect(Set(results.compactMap { $0["custom_id"] as? String }).count == 20, "each line once")
        #expect(transport.requests.count == 20, "nothing recorded was sent again")
    }

    @Test("cancel: in-flight answers recorded, every other line a cancelled error line, the report written")
    func cancelRunning() async throws {
        let (job, transport, gate, runner) = try await gatedRun(12)
        let run = Task { try await runner.run() }
        try #require(await fixture.clock.waitUntil { transport.requests.count == 2 })

        let asked = try await fixture.store.cancelByUser(
            job: job.id, now: fixture.clock.now, isAlive: { _ in true })
        #expect(asked == .requested(pid: ProcessInfo.processInfo.processIdentifier))
        #expect(await pollUntil { runner.progress.snapshot.phase == .draining })
        gate.open()
        guard case .cancelled(let cancelled) = try await run.value else {
            Issue.record("expected cancelled")
            return
        }

        #expect(transport.requests.count == 2)
        #expect(cancelled.state == .cancelled)
        #expect(
            cancelled.counts.succeeded == 2 && cancelled.counts.failed == 10 && cancelled.counts.pending == 0)
        let files = OutputFiles(input: job.inputPath)
        let results = RunnerFixture.objects(files.results)
        let errors = RunnerFixture.objects(files.errors)
        #expect(results.count == 2)
        #expect(errors.count == 10)
        #expect(errors.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "cancelled" })
        let ids = (results + errors).compactMap { $0["custom_id"] as? String }
        #expect(
            Set(ids) == Set((0..<12).map { "u\($0)" }) && ids.count == 12, "exactly one line per custom_id")
        let report = try #require(JobFixtures.object(String(contentsOfFile: files.report, encoding: .utf8)))
        #expect(report["state"] as? String == "cancelled")
    }

    @Test("cancel of a job nobody runs, never read: finished here, bad lines rejected, the rest cancelled")
    func cancelQueued() async throws {
        let path = fixture.directory.write(
            "queued.jsonl",
            lines: [
                JobFixtures.chatLine(customID: "q1", content: "a"), "not json",
                JobFixtures.chatLine(customID: "q2", content: "b"),
            ])
        let job = try await fixture.submit(path)

        let asked = try await fixture.store.cancelByUser(
            job: job.id, now: fixture.clock.now, isAlive: { _ in false })
        guard case .finishHere = asked else {
            Issue.record("expected finishHere, got \(asked)")
            return
        }
        let canceller = JobCanceller(
            store: fixture.store, settings: Settings(environment: [:]), clock: fixture.clock,
            identity: RunOwner(pid: 1, token: "canceller"))
        guard case .cancelled(let cancelled, _) = try await canceller.cancel(job: job.id) else {
            Issue.record("expected cancelled")
            return
        }

        #expect(cancelled.state == .cancelled)
        #expect(cancelled.counts.rejected == 1 && cancelled.counts.failed == 2)
        let errors = RunnerFixture.objects(OutputFiles(input: path).errors)
        #expect(errors.count == 3)
        #expect(
            errors.compactMap { ($0["error"] as? [String: Any])?["code"] as? String }.sorted() == [
                "cancelled", "cancelled", "invalid_json_line",
            ])
        #expect(FileManager.default.fileExists(atPath: OutputFiles(input: path).report))
        #expect(try await fixture.store.stopRequest(job: job.id) == nil)
    }

    @Test("pause of a queued job is at once; of an ended job refused; resume withdraws a pause not yet seen")
    func pauseStates() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["p1"]))
        guard
            case .paused(let paused) = try await fixture.store.pauseByUser(
                job: job.id, now: fixture.clock.now, isAlive: { _ in true })
        else {
            Issue.record("expected paused at once")
            return
        }
        #expect(paused.stateCode == .pausedByUser)
        #expect(
            try await fixture.store.pauseByUser(job: job.id, now: fixture.clock.now, isAlive: { _ in true })
                == .alreadyPaused(paused))

        _ = try await fixture.store.resume(job: job.id, now: fixture.clock.now)
        let owner = RunOwner(pid: 4242, token: "other")
        _ = try await fixture.store.claim(
            job: job.id, by: owner, now: fixture.clock.now, lease: .seconds(30), isAlive: { _ in true })
        #expect(
            try await fixture.store.pauseByUser(job: job.id, now: fixture.clock.now, isAlive: { _ in true })
                == .requested(pid: 4242))
        #expect(try await fixture.store.stopRequest(job: job.id) == .pause)
        #expect(
            try await fixture.store.resume(job: job.id, now: fixture.clock.now) == .alreadyRunnable(.running))
        #expect(try await fixture.store.stopRequest(job: job.id) == nil, "the pause is withdrawn")

        _ = try await fixture.store.complete(job: job.id, by: owner, runTime: .zero, now: fixture.clock.now)
        #expect(
            try await fixture.store.pauseByUser(job: job.id, now: fixture.clock.now, isAlive: { _ in true })
                == .final(.completed))
        #expect(
            try await fixture.store.cancelByUser(job: job.id, now: fixture.clock.now, isAlive: { _ in true })
                == .final(.completed))
    }
}
