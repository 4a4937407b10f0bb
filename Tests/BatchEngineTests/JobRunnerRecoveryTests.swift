import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("JobRunner: stops, resumes and recovery")
struct JobRunnerRecoveryTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    private func paused(_ outcome: JobRunOutcome) throws -> JobRecord {
        guard case .paused(let job) = outcome else {
            Issue.record("expected paused, got \(outcome)")
            throw CancellationError()
        }
        return job
    }

    @Test("insufficient_quota pauses the job and leaves its requests pending")
    func insufficientQuota() async throws {
        let ids = ["q1", "q2", "q3", "q4"]
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 1))
        let transport = ScriptedTransport { _, _ in RunnerFixture.insufficientQuota }
        let stopped = try paused(try await fixture.runner(job, transport).run())
        #expect(stopped.state == .paused)
        #expect(stopped.stateCode == .insufficientQuota)
        #expect(stopped.stateReason?.contains("quota") == true)
        #expect(stopped.owner == nil)
        #expect(transport.requests.count == 1)
        #expect(stopped.counts.pending == ids.count)
        #expect(stopped.counts.attempts == 1)
        #expect(try fixture.pending(job.id).map(\.customID) == ids)
        #expect(JobFixtures.lines(ofFile: OutputFiles(input: stopped.inputPath).results).isEmpty)
    }

    @Test("an input rewritten after ingest pauses the job with input_modified and sends nothing")
    func inputModifiedBetweenRuns() async throws {
        let path = fixture.writeInput(customIDs: ["m1", "m2", "m3"])
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        _ = try paused(
            try await fixture.runner(job, ScriptedTransport { _, _ in RunnerFixture.insufficientQuota }).run()
        )
        #expect(try fixture.job(job.id)?.ingest.done == true)

        _ = fixture.writeInput(customIDs: ["other-1", "other-2"])
        let requeued = try await Submitter(store: fixture.store).findOrSubmit(
            path: path, forceNew: false)
        #expect(requeued.id == job.id)
        #expect(requeued.state == .queued)
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let stopped = try paused(try await fixture.runner(job, transport).run())
        #expect(stopped.stateCode == .inputModified)
        #expect(stopped.stateReason?.contains(job.inputPath) == true)
        #expect(transport.requests.isEmpty)
        #expect(stopped.counts.pending == 3)
    }

    @Test("an input rewritten while sending stops the job before a wrong body is sent")
    func inputModifiedWhileSending() async throws {
        let path = fixture.writeInput(customIDs: ["s1", "s2", "s3"])
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        let replacement = ["x1", "x2", "x3"].map {
            JobFixtures.chatLine(customID: $0, content: "replaced \($0)") + "\n"
        }
        let transport = ScriptedTransport { request, index in
            if index == 0 {
                // Rewritten in place (same inode), as `>` in a shell would.
                let handle = FileHandle(forWritingAtPath: path)!
                try handle.truncate(atOffset: 0)
                try handle.write(contentsOf: Data(replacement.joined().utf8))
                try handle.close()
            }
            return RunnerFixture.ok(request)
        }
        let stopped = try paused(try await fixture.runner(job, transport).run())
        #expect(stopped.stateCode == .inputModified)
        #expect(transport.requests.count == 1)
        #expect(!transport.requests.contains { RunnerFixture.content(of: $0).hasPrefix("replaced") })
        #expect(stopped.counts.succeeded == 1)
        #expect(stopped.counts.pending == 2)
    }

    @Test("bytes past the committed length are cut when the job resumes")
    func recoversOutputs() async throws {
        let ids = ["r1", "r2", "r3", "r4", "r5"]
        let path = fixture.writeInput(customIDs: ids)
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        let quotaAt = 2
        let first = ScriptedTransport { request, index in
            index == quotaAt ? RunnerFixture.insufficientQuota : RunnerFixture.ok(request)
        }
        let stopped = try paused(try await fixture.runner(job, first).run())
        #expect(stopped.counts.succeeded == quotaAt)
        let results = OutputFiles(input: stopped.inputPath).results
        #expect(stopped.committedOutput.resultsBytes > 0)

        // A crash after writing but before committing leaves uncommitted bytes behind.
        let handle = try #require(FileHandle(forWritingAtPath: results))
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data(
                #"{"id":"batch_req_ghost","custom_id":"r3","response":{"status_code":200,"bo"#.utf8))
        try handle.close()

        _ = try await Submitter(store: fixture.store).findOrSubmit(
            path: path, forceNew: false)
        let second = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        guard case .completed(let done) = try await fixture.runner(job, second).run() else {
            Issue.record("expected the resumed job to complete")
            return
        }
        #expect(second.requests.count == ids.count - quotaAt)
        let lines = JobFixtures.lines(ofFile: results)
        #expect(lines.count == ids.count)
        #expect(lines.allSatisfy { JobFixtures.object($0) != nil })
        #expect(!lines.contains { $0.contains("ghost") })
        #expect(lines.compactMap { JobFixtures.object($0)?["custom_id"] as? String }.sorted() == ids)
        let size = try FileManager.default.attributesOfItem(atPath: results)[.size] as? Int
        #expect(Int64(size ?? -1) == done.committedOutput.resultsBytes)
        #expect(done.counts.succeeded == ids.count)
        #expect(done.counts.attempts == ids.count + 1)
    }

    @Test("drain before run: the job goes back to queued with nothing sent")
    func drainBeforeRun() async throws {
        let ids = ["d1", "d2", "d3"]
        let job = try await fixture.submit(fixture.writeInput(customIDs: ids))
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let runner = fixture.runner(job, transport)
        runner.drain()
        guard case .drained(let drained) = try await runner.run() else {
            Issue.record("expected drained")
            return
        }
        #expect(drained.state == .queued)
        #expect(drained.owner == nil)
        #expect(drained.ingest.done)
        #expect(drained.counts.requests == ids.count)
        #expect(transport.requests.isEmpty)
        #expect(drained.counts.pending == ids.count)
    }

    @Test("a completed job is not run again")
    func notRunnable() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["once"]))
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        _ = try await fixture.runner(job, transport).run()
        guard case .notRunnable(let again) = try await fixture.runner(job, transport).run() else {
            Issue.record("expected notRunnable")
            return
        }
        #expect(again.state == .completed)
        #expect(transport.requests.count == 1)
    }
}
