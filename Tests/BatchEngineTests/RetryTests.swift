import BatchConfig
import BatchCore
import BatchStore
import BatchTesting
import Foundation
import Synchronization
import Testing

@testable import BatchEngine

/// `batchctl retry`: failed lines sent again, each custom_id with one line across the two files.
@Suite("JobRunner: retry of final failures")
struct RetryTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// Lines r0…r9: r0, r3, r6, r9 fail with 503 on their only attempt, r5 with a 400, the first time.
    func failedOnce() async throws -> (JobRecord, ScriptedTransport) {
        let ids = (0..<10).map { "r\($0)" }
        var lines = ids.map { JobFixtures.chatLine(customID: $0, content: "content of \($0)") }
        lines.insert("not json", at: 4)
        let path = fixture.directory.write("retry.jsonl", lines: lines)
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 4, maxAttempts: 1))
        let seen = Mutex<Set<String>>([])
        let transport = ScriptedTransport { request, _ in
            let content = RunnerFixture.content(of: request)
            let id = String(content.dropFirst("content of ".count))
            let first = seen.withLock { $0.insert(id).inserted }
            if first, Int(id.dropFirst())! % 3 == 0 { return .json(503, #"{"error":{"message":"busy"}}"#) }
            if first, id == "r5" { return .json(400, #"{"error":{"code":"bad","message":"no"}}"#) }
            return RunnerFixture.ok(request)
        }
        let done = try await fixture.runner(job, transport).run()
        #expect(done.job.state == .completed)
        #expect(done.job.counts.failed == 5)
        return (done.job, transport)
    }

    func lineCounts(_ job: JobRecord) -> (results: [String], errors: [String]) {
        let files = OutputFiles(input: job.inputPath)
        return (
            RunnerFixture.objects(files.results).compactMap { $0["custom_id"] as? String },
            RunnerFixture.objects(files.errors).compactMap { $0["custom_id"] as? String }
        )
    }

    @Test("retry 5xx: their error lines leave, they are sent again, each custom_id ends with one line")
    func retryServerErrors() async throws {
        let (job, transport) = try await failedOnce()

        let outcome = try await JobRetrier(store: fixture.store, clock: fixture.clock).retry(
            job: job.id, selection: .serverErrors)

        guard case .queued(let queued, let lines) = outcome else {
            Issue.record("expected queued, got \(outcome)")
            return
        }
        #expect(lines == 4)
        #expect(queued.state == .queued && queued.counts.pending == 4 && queued.counts.failed == 1)
        let between = lineCounts(job)
        #expect(Set(between.errors) == ["r5"], "the 400 and the rejected line (no custom_id) stay")
        #expect(Set(between.results).isDisjoint(with: ["r0", "r3", "r6", "r9"]))

        let rerun = try await fixture.runner(job, transport).run()
        #expect(rerun.job.state == .completed)
        #expect(rerun.job.counts.succeeded == 9 && rerun.job.counts.failed == 1)
        let after = lineCounts(job)
        let all = after.results + after.errors
        #expect(all.count == 10 && Set(all).count == 10, "exactly one line per custom_id")
        #expect(transport.requests.count == 14, "only the four were sent again")
    }

    @Test("a kill after the commit, before the rename: the next run finishes the swap, one line each")
    func swapFinishedByTheNextRun() async throws {
        let (job, transport) = try await failedOnce()
        let errorsPath = OutputFiles(input: job.inputPath).errors
        // What a retry killed between its transaction and its rename leaves.
        let lines = try await fixture.store.failedRequests(job: job.id).filter { $0.code == "http_503" }.map(
            \.line)
        let copy = try ErrorsSwap.writeCopy(
            errorsPath: errorsPath, committedBytes: job.committedOutput.errorsBytes, without: Set(lines)
        ).bytes
        _ = try await fixture.store.requeueForRetry(
            job: job.id, lines: lines, errorsBytes: copy, now: fixture.clock.now, isAlive: { _ in false })
        #expect(FileManager.default.fileExists(atPath: ErrorsSwap.copyPath(errorsPath)))

        let rerun = try await fixture.runner(job, transport).run()

        #expect(rerun.job.state == .completed)
        #expect(!FileManager.default.fileExists(atPath: ErrorsSwap.copyPath(errorsPath)))
        #expect(try await fixture.store.errorsSwapPending(job: job.id) == false)
        let after = lineCounts(job)
        let all = after.results + after.errors
        #expect(all.count == 10 && Set(all).count == 10, "exactly one line per custom_id")
    }

    @Test("which failures a retry selects")
    func selection() {
        #expect(RetrySelection.all.matches("http_503") && RetrySelection.all.matches("timeout"))
        #expect(!RetrySelection.all.matches("http_400") && !RetrySelection.all.matches("cancelled"))
        #expect(RetrySelection.throttled.matches("http_429") && !RetrySelection.throttled.matches("http_503"))
        #expect(
            RetrySelection.serverErrors.matches("http_502")
                && !RetrySelection.serverErrors.matches("http_501"))
        #expect(
            RetrySelection.connection.matches("connection_error")
                && !RetrySelection.connection.matches("timeout"))
    }
}
