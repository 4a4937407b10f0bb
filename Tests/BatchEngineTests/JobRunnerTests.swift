import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Foundation
import Synchronization
import Testing

@Suite("JobRunner: sending and recording")
struct JobRunnerTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    private func completed(_ outcome: JobRunOutcome) throws -> JobRecord {
        guard case .completed(let job) = outcome else {
            Issue.record("expected completed, got \(outcome)")
            throw CancellationError()
        }
        return job
    }

    @Test("the sender times each answer; the lane's window learns that latency, and forgets it after the job")
    func answerLatencyReachesTheLane() async throws {
        let ids = (1...40).map { "t\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 1))
        let environment = fixture.environment(ScriptedTransport { _, _ in .json(200, "{}") })
        let lane = LaneKey(endpoint: Settings.defaultEndpointName, model: "gpt-4o-mini")
        let seen = Mutex<Double?>(nil)
        let (clock, lanes) = (fixture.clock, environment.lanes)
        let transport = ScriptedTransport { request, index in
            clock.advance(by: .milliseconds(300))  // the server takes 300 ms
            if index == 30 { seen.withLock { $0 = lanes.quota(lane)?.concurrency.latencyMs } }
            return RunnerFixture.ok(request)
        }
        var running = environment
        running.transport = transport
        _ = try completed(try await JobRunner(jobID: job.id, environment: running).run())
        #expect(seen.withLock { $0 } == 300)
        #expect(lanes.quota(lane)?.concurrency.latencyMs == nil, "the next job starts afresh")
    }

    @Test("every request succeeds: one results line per custom_id, a report, job completed")
    func allSucceed() async throws {
        let ids = (1...7).map { "task-\($0)" }
        let path = fixture.writeInput(customIDs: ids)
        let job = try await fixture.submit(path)
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let done = try completed(try await fixture.runner(job, transport).run())

        #expect(done.state == .completed)
        #expect(done.owner == nil)
        #expect(done.finishedAt != nil)
        #expect(done.counts == JobCounts(requests: ids.count, succeeded: ids.count, attempts: ids.count))
        let files = OutputFiles(input: done.inputPath)
        let results = RunnerFixture.objects(files.results)
        #expect(JobFixtures.lines(ofFile: files.results).count == ids.count)
        #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == ids.sorted())
        for (index, id) in ids.enumerated() {
            let line = try #require(results.first { $0["custom_id"] as? String == id })
            let response = try #require(line["response"] as? [String: Any])
            let body = try #require(response["body"] as? [String: Any])
            #expect(line["id"] as? String == OutputLine.id(job: job.id, line: index + 1))
            #expect(response["status_code"] as? Int == 200)
            #expect(response["request_id"] as? String == "req-\(RunnerFixture.content(for: id))")
            #expect(body["echo"] as? String == RunnerFixture.content(for: id))
            #expect(line["error"] is NSNull)
        }
        #expect(JobFixtures.lines(ofFile: files.errors).isEmpty)
        let size = try FileManager.default.attributesOfItem(atPath: files.results)[.size] as? Int
        #expect(Int64(size ?? -1) == done.committedOutput.resultsBytes)

        let requests = transport.requests
        #expect(requests.count == ids.count)
        #expect(
            requests.allSatisfy {
                $0.url == RunnerFixture.baseURL + "/chat/completions" && $0.method == "POST"
            })
        #expect(requests.allSatisfy { $0.headers["content-type"] == "application/json" })
        #expect(Set(requests.map(RunnerFixture.content(of:))) == Set(ids.map(RunnerFixture.content(for:))))

        let report = try #require(
            JobFixtures.object(
                String(decoding: try Data(contentsOf: URL(fileURLWithPath: files.report)), as: UTF8.self)))
        #expect(report["job"] as? Int == Int(job.id))
        #expect(report["state"] as? String == "completed")
        #expect(report["requests"] as? Int == ids.count)
        #expect(report["succeeded"] as? Int == ids.count)
        #expect(report["retries"] as? Int == 0)
        let tokens = try #require((report["tokens"] as? [String: [String: Int]])?["gpt-4o-mini"])
        let prompt = ids.map { RunnerFixture.promptTokens(RunnerFixture.content(for: $0)) }.reduce(0, +)
        #expect(tokens["prompt_tokens"] == prompt)
        #expect(tokens["total_tokens"] == prompt + 2 * ids.count)
        #expect(tokens["requests"] == ids.count)
        // The estimate charged before sending sits beside the usage, with their ratio.
        let estimated = requests.map { request in
            request.body.withUnsafeBytes { TokenCost.estimate(body: $0, path: .chatCompletions) }
        }.reduce(0, +)
        #expect(estimated > 0)
        #expect(tokens["estimated_tokens"] == estimated)
        let ratio = try #require((report["estimate_ratio"] as? [String: Double])?["gpt-4o-mini"])
        #expect(abs(ratio - Double(estimated) / Double(prompt + 2 * ids.count)) < 0.001)
    }

    @Test("a 400 answer goes to the errors file with its status and error null")
    func badRequest() async throws {
        let path = fixture.writeInput(customIDs: ["a", "b", "c"])
        let job = try await fixture.submit(path)
        let rejected = RunnerFixture.content(for: "b")
        let transport = ScriptedTransport { request, _ in
            RunnerFixture.content(of: request) == rejected
                ? .json(
                    400, #"{"error":{"code":"invalid_value","message":"bad"}}"#,
                    headers: ["x-request-id": "r400"])
                : RunnerFixture.ok(request)
        }
        let done = try completed(try await fixture.runner(job, transport).run())
        #expect(done.counts.succeeded == 2)
        #expect(done.counts.failed == 1)
        #expect(done.counts.attempts == 3)
        let files = OutputFiles(input: done.inputPath)
        #expect(
            RunnerFixture.objects(files.results).compactMap { $0["custom_id"] as? String }.sorted() == [
                "a", "c",
            ])
        let errors = RunnerFixture.objects(files.errors)
        try #require(errors.count == 1)
        #expect(errors[0]["custom_id"] as? String == "b")
        #expect(errors[0]["error"] is NSNull)
        let response = try #require(errors[0]["response"] as? [String: Any])
        #expect(response["status_code"] as? Int == 400)
        #expect(response["request_id"] as? String == "r400")
        #expect((response["body"] as? [String: [String: String]])?["error"]?["code"] == "invalid_value")
    }

    @Test(
        "a retryable answer is retried, then recorded once",
        arguments: [
            (HTTPAnswer.json(500, #"{"error":{"message":"boom"}}"#), 0),
            (
                HTTPAnswer.json(
                    429, #"{"error":{"code":"rate_limit_exceeded"}}"#, headers: ["retry-after-ms": "0"]), 1
            ),
            (HTTPAnswer.json(200, "not json"), 0),
        ])
    func retriedOnce(first: HTTPAnswer, throttled: Int) async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["only"]))
        let transport = ScriptedTransport { request, index in index == 0 ? first : RunnerFixture.ok(request) }
        let done = try completed(try await fixture.runner(job, transport).run())
        #expect(done.counts == JobCounts(requests: 1, succeeded: 1, attempts: 2, throttled: throttled))
        #expect(transport.requests.count == 2)
        #expect(transport.requests[0].body == transport.requests[1].body)
        let files = OutputFiles(input: done.inputPath)
        let results = RunnerFixture.objects(files.results)
        #expect(results.count == 1)
        #expect(results.first?["custom_id"] as? String == "only")
        #expect(JobFixtures.lines(ofFile: files.errors).isEmpty)
        let report = try #require(
            JobFixtures.object(
                String(decoding: try Data(contentsOf: URL(fileURLWithPath: files.report)), as: UTF8.self)))
        #expect(report["attempts"] as? Int == 2)
        #expect(report["retries"] as? Int == 1)
        #expect(report["throttled"] as? Int == throttled)
    }

    @Test("a transport failure on every attempt ends in the errors file after max_attempts")
    func transportFailures() async throws {
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ["t"]), options: JobSettings(maxAttempts: 3))
        let transport = ScriptedTransport { _, _ in
            throw TransportFailure(kind: .timeout, message: "too slow")
        }
        let done = try completed(try await fixture.runner(job, transport).run())
        #expect(transport.requests.count == 3)
        #expect(done.counts == JobCounts(requests: 1, failed: 1, attempts: 3))
        let errors = RunnerFixture.objects(OutputFiles(input: done.inputPath).errors)
        try #require(errors.count == 1)
        #expect(errors[0]["response"] is NSNull)
        let error = try #require(errors[0]["error"] as? [String: String])
        #expect(error["code"] == "timeout")
        #expect(error["message"]?.contains("3 attempts") == true)
    }

    @Test("a server-requested wait is slept on the clock before the retry")
    func waitsOnTheClock() async throws {
        let job = try await fixture.submit(fixture.writeInput(customIDs: ["w"]))
        let transport = ScriptedTransport { request, index in
            index == 0 ? .json(503, "{}", headers: ["retry-after-ms": "5000"]) : RunnerFixture.ok(request)
        }
        let clock = fixture.clock
        let due = clock.now.advanced(by: .seconds(5))
        // A long lease keeps its renewal timer out of the way.
        let run = Task { [fixture] in try await fixture.runner(job, transport, lease: .seconds(3_600)).run() }
        // The 503 was handled once the runner sleeps towards something no later than the retry.
        try #require(await clock.waitUntil { clock.deadlines.first.map { $0 <= due } ?? false })
        #expect(transport.requests.count == 1)
        clock.advance(to: Timestamp(milliseconds: due.milliseconds - 1))
        try #require(await clock.waitUntil { clock.deadlines.first == due })
        #expect(transport.requests.count == 1)
        clock.advance(to: due)
        let done = try completed(try await run.value)
        #expect(transport.requests.count == 2)
        #expect(done.counts.succeeded == 1)
        #expect(done.counts.attempts == 2)
    }
}

@Suite("JobRunner: commits beside the loop, drains and hard stops")
struct JobRunnerCommitTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// (custom_id, state, attempts, last_error) of each request, read with SQL of its own.
    func rows(_ job: Int64) throws -> [(customID: String, state: Int, attempts: Int, lastError: String?)] {
        let connection = try SQLiteConnection(path: fixture.directory.path("batchd.sqlite"))
        let statement = try connection.statement(
            "SELECT custom_id, state, attempts, last_error FROM requests WHERE job_id = ? ORDER BY line")
        try statement.bind(job, at: 1)
        var rows: [(String, Int, Int, String?)] = []
        while try statement.step() {
            rows.append(
                (statement.string(0), statement.int(1), statement.int(2), statement.optionalString(3)))
        }
        return rows
    }

    @Test("retries and outcomes committed in successive batches leave each row as its last attempt did")
    func retriesAcrossBatches() async throws {
        let ids = (0..<300).map { "c\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 8))
        // Every third request fails once with a 500 and is retried at once (the fixture's random
        // draw makes the backoff 0), so its retry and its outcome often land in different batches.
        let failedOnce = Mutex<Set<String>>([])
        let transport = ScriptedTransport { request, _ in
            let content = RunnerFixture.content(of: request)
            let id = String(content.dropFirst("content of ".count))
            let fails = Int(id.dropFirst())! % 3 == 0 && failedOnce.withLock { $0.insert(id).inserted }
            return fails ? .json(500, #"{"error":{"message":"boom"}}"#) : RunnerFixture.ok(request)
        }
        let outcome = try await fixture.runner(job, transport).run()
        guard case .completed(let done) = outcome else {
            Issue.record("expected completed, got \(outcome)")
            return
        }
        #expect(done.counts == JobCounts(requests: 300, succeeded: 300, attempts: 400))
        let rows = try rows(job.id)
        #expect(rows.count == 300)
        for row in rows {
            let retried = Int(row.customID.dropFirst())! % 3 == 0
            #expect(row.state == 1, "\(row.customID) succeeded")
            #expect(row.attempts == (retried ? 2 : 1), "\(row.customID)")
            #expect(row.lastError == nil, "\(row.customID) keeps no error from its retry")
        }
        let results = RunnerFixture.objects(OutputFiles(input: done.inputPath).results)
        #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == ids.sorted())
    }
    @Test("a hard stop records the answers that arrive while the sends end")
    func hardStopRecordsLateAnswers() async throws {
        let ids = (0..<4).map { "h\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 8))
        let gate = AnswerGate()
        let transport = ScriptedTransport { request, _ in
            await gate.wait()
            return RunnerFixture.ok(request)
        }
        let runner = fixture.runner(job, transport)
        let run = Task { try await runner.run() }
        try #require(await fixture.clock.waitUntil { transport.requests.count == ids.count })
        // The run is cancelled while every request is on the wire; the answers come back after.
        run.cancel()
        gate.open()
        // Drained, or completed if the loop took the answers before it saw the cancellation.
        let outcome = try await run.value
        switch outcome {
        case .drained, .completed: break
        default: Issue.record("expected drained or completed, got \(outcome)")
        }
        let stopped = outcome.job
        #expect(stopped.counts.succeeded == ids.count, "every answer received is recorded")
        #expect(try fixture.pending(job.id).isEmpty, "so none is sent again")
        let results = RunnerFixture.objects(OutputFiles(input: stopped.inputPath).results)
        #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == ids)
    }
    @Test("at the drain timeout the sends are cancelled once; the run then sleeps until they end")
    func drainTimeoutCancelsOnce() async throws {
        let ids = ["d0", "d1"]
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 8))
        let gate = AnswerGate()
        let transport = ScriptedTransport { request, _ in
            await gate.wait()
            return RunnerFixture.ok(request)
        }
        let clock = fixture.clock
        let runner = fixture.runner(job, transport, lease: .seconds(3_600))
        let run = Task { try await runner.run() }
        try #require(await clock.waitUntil { transport.requests.count == ids.count })
        let deadline = clock.now.advanced(by: runner.environment.drainTimeout)
        runner.drain()
        try #require(await clock.waitUntil { clock.deadlines.contains(deadline) })
        clock.advance(to: deadline)
        // The sends ignore the cancellation. The loop must sleep towards its next lease renewal,
        // not wake again and again for the deadline already past.
        #expect(await clock.waitUntil { clock.deadlines.contains { $0 > deadline } })
        gate.open()
        let outcome = try await run.value
        guard case .drained(let drained) = outcome else {
            Issue.record("expected drained, got \(outcome)")
            return
        }
        #expect(drained.counts.succeeded == ids.count, "answers that came back after the cancel are recorded")
    }
    @Test(
        "a commit that fails pauses the job; nothing is recorded, so every request stays pending",
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"),
        .timeLimit(.minutes(1)))  // a loop that ignored the failure would wait forever for room
    func failedCommitPauses() async throws {
        let ids = (0..<40).map { "f\($0)" }
        let input = fixture.writeInput(customIDs: ids)
        // Every write to the results file fails, as on a full disk.
        try FileManager.default.createSymbolicLink(
            atPath: OutputFiles(input: input).results, withDestinationPath: "/dev/full")
        let job = try await fixture.submit(input, options: JobSettings(concurrency: 4))
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let outcome = try await fixture.runner(job, transport).run()
        guard case .paused(let paused) = outcome else {
            Issue.record("expected paused, got \(outcome)")
            return
        }
        #expect(transport.requests.count > 0, "the job sent before its first commit")
        #expect(paused.stateCode == .outputUnwritable)
        #expect(
            paused.stateReason?.contains("No space left on device") == true, "\(paused.stateReason ?? "")")
        #expect(paused.counts.succeeded == 0)
        #expect(try fixture.pending(job.id).count == ids.count, "nothing was recorded")
        #expect(transport.requests.count <= 2 * 4, "within the job's unrecorded limit")
    }
}

/// Holds sends until opened. A send waiting here ignores cancellation, as an answer already on its
/// way back does.
final class AnswerGate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if !state.open { state.waiting.append(continuation) }
                return state.open
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
