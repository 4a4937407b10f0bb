import BatchConfig
import BatchCore
import BatchSimulator
import BatchTesting
import BatchTransport
import Foundation
import Testing

@testable import BatchEngine
@testable import BatchStore

/// Jobs via the Batch API: what batches leave unanswered, the report's tiers, cancel, cleanup.
extension ViaBatchJobTests {
    static let openAIEnvironment: @Sendable (String) -> [String: String] = {
        ["OPENAI_BASE_URL": $0 + "/v1", "OPENAI_API_KEY": "k"]
    }

    /// Every custom_id of the results and errors files, each as often as it is there.
    func answeredIDs(_ input: String) -> [String] {
        let files = OutputFiles(input: input)
        return (RunnerFixture.objects(files.results) + RunnerFixture.objects(files.errors))
            .compactMap { $0["custom_id"] as? String }.sorted()
    }

    @Test("expired batches: their unanswered lines go in new batches (the default fallback), each id once")
    func expiredResentInBatches() async throws {
        try await withSimulator(Self.openAIEnvironment, configure: { $0.batches.expire = true }) {
            simulator, env in
            let job = try await fixture.submit(lines(), options: JobSettings(via: .batch))
            let outcome = try await JobRunner(jobID: job.id, environment: env).run()
            guard case .completed(let done) = outcome else {
                Issue.record("not completed: \(outcome)")
                return
            }
            #expect(answeredIDs(done.inputPath) == Self.allIDs)
            // Two batches, then a new one per group for each resend round while lines are left.
            #expect(simulator.batchesCreated > 2)
            // Fewer lines went live than with --fallback live (4): the new batches answered some.
            #expect(simulator.stats.received < 4)
            let batches = try await fixture.store.remoteBatches(job: job.id)
            #expect(batches.allSatisfy { $0.step == .recorded && $0.remote?.status == "expired" })
        }
    }

    @Test("a failed batch: named lines get file:line:reason, the others go in a new batch, nothing live")
    func validationFailureResent() async throws {
        // At 0.3, c3, c4 and e1 are refused by validation (by their custom_id).
        try await withSimulator(
            Self.openAIEnvironment, configure: { $0.batches.validationFailureRate = 0.3 }
        ) { simulator, env in
            let input = lines()
            let job = try await fixture.submit(input, options: JobSettings(via: .batch))
            let outcome = try await JobRunner(jobID: job.id, environment: env).run()
            guard case .completed(let done) = outcome else {
                Issue.record("not completed: \(outcome)")
                return
            }
            #expect(answeredIDs(done.inputPath) == Self.allIDs)
            let errors = RunnerFixture.objects(OutputFiles(input: input).errors)
            let messages = Dictionary(
                uniqueKeysWithValues: errors.map {
                    (
                        $0["custom_id"] as? String ?? "",
                        ($0["error"] as? [String: Any])?["message"] as? String ?? ""
                    )
                })
            #expect(messages.keys.sorted() == ["c3", "c4", "e1"])
            #expect(messages["c3"]?.hasPrefix("\(input):3: invalid_request: ") == true)
            #expect(messages["c4"]?.hasPrefix("\(input):4: invalid_request: ") == true)
            #expect(messages["e1"]?.hasPrefix("\(input):7: invalid_request: ") == true)
            #expect(simulator.batchesCreated == 4, "two failed, two new for the lines they did not name")
            #expect(simulator.stats.received == 0)
        }
    }

    @Test("the report counts the lines each way and prices the batch answers at the batch price")
    func reportAtBatchPrice() async throws {
        let environment: (String) -> [String: String] = {
            ["AZURE_OPENAI_ENDPOINT": $0, "AZURE_OPENAI_API_KEY": "k", "OPENAI_API_VERSION": "v1"]
        }
        try await withSimulator(environment) { _, env in
            let job = try await fixture.submit(lines(), options: JobSettings(via: .auto))
            let outcome = try await JobRunner(jobID: job.id, environment: env).run()
            guard case .completed(let done) = outcome else {
                Issue.record("not completed: \(outcome)")
                return
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: OutputFiles(input: done.inputPath).report))
            let report = try JSONDecoder().decode(JobReport.self, from: data)
            // On Azure the 6 chat lines went through a batch, the 2 embeddings live.
            #expect(report.linesByTier == JobReport.LinesByTier(live: 2, batch: 6))
            let chat = try #require(report.batchTokens?["gpt-4o-mini"])
            #expect(chat.requests == 6)
            #expect(chat.totalTokens == report.tokens["gpt-4o-mini"]?.totalTokens)
            #expect(report.cost?["gpt-4o-mini"] == nil, "no chat line went live")
            let batchCost = try #require(report.batchCost?["gpt-4o-mini"])
            #expect(batchCost.tier == "batch")
            let price = try #require(env.settings.prices.price(of: "gpt-4o-mini")?.price)
            let rates = try #require(price.batch)
            let expected =
                Double(chat.promptTokens) / 1e6 * (rates.input ?? 0) + Double(chat.completionTokens) / 1e6
                * (rates.output ?? 0)
            #expect(abs((batchCost.usd ?? -1) - expected) < 1e-6)
            let live = try #require(
                SpendingCap.cost(
                    TokenUsage(
                        promptTokens: chat.promptTokens, completionTokens: chat.completionTokens,
                        totalTokens: chat.totalTokens), price: price))
            #expect((batchCost.usd ?? 0) < live, "the batch price is below the live one")
            #expect(report.cost?["text-embedding-3-small"]?.tier == "live")
            #expect(report.batchCost?["text-embedding-3-small"] == nil)
            let html = try String(
                contentsOfFile: OutputFiles(input: done.inputPath).reportHTML, encoding: .utf8)
            #expect(html.contains("(batch)"))
        }
    }

    @Test("batchctl cancel of a job no process runs cancels its batches at the provider")
    func cancelReachesProvider() async throws {
        try await withSimulator(
            Self.openAIEnvironment, configure: { $0.batches.processingTime = .seconds(3600) }
        ) { simulator, env in
            let job = try await fixture.submit(lines(), options: JobSettings(via: .batch))
            let runner = JobRunner(jobID: job.id, environment: env)
            let run = Task { try await runner.run() }
            #expect(await fixture.clock.waitForSleepers(2), "both batches wait to poll again")
            runner.drain()
            guard case .drained = try await run.value else {
                Issue.record("not drained")
                return
            }
            #expect(simulator.batchCancelRequested.values.filter { $0 }.isEmpty)

            let asked = try await fixture.store.cancelByUser(
                job: job.id, now: fixture.clock.now, isAlive: { _ in false })
            guard case .finishHere = asked else {
                Issue.record("expected finishHere, got \(asked)")
                return
            }
            let transport = AsyncHTTPTransport(connectionsPerHost: 2)
            let canceller = JobCanceller(
                store: fixture.store, settings: env.settings, clock: fixture.clock,
                identity: RunOwner(pid: 1, token: "canceller"), transport: transport)
            let outcome = try await canceller.cancel(job: job.id)
            try await transport.shutdown()
            guard case .cancelled(let cancelled, let problems) = outcome else {
                Issue.record("expected cancelled, got \(outcome)")
                return
            }
            #expect(problems.isEmpty)
            #expect(simulator.batchCancelRequested.count == 2)
            #expect(simulator.batchCancelRequested.values.allSatisfy { $0 })
            #expect(cancelled.counts.failed == 8 && cancelled.counts.pending == 0)
            let errors = RunnerFixture.objects(OutputFiles(input: cancelled.inputPath).errors)
            #expect(errors.count == 8)
            #expect(errors.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "cancelled" })
            let batches = try await fixture.store.remoteBatches(job: job.id)
            #expect(batches.allSatisfy { $0.remote?.status == "cancelled" })
        }
    }

    @Test("remote files are deleted once recorded, and kept with keep_remote_files")
    func remoteFileCleanup() async throws {
        for keep in [false, true] {
            try await withSimulator(Self.openAIEnvironment) { simulator, env in
                let job = try await fixture.submit(
                    lines(), options: JobSettings(via: .batch, keepRemoteFiles: keep ? true : nil))
                let outcome = try await JobRunner(jobID: job.id, environment: env).run()
                guard case .completed = outcome else {
                    Issue.record("not completed: \(outcome)")
                    return
                }
                #expect(simulator.batchesCreated == 2)
                // Kept: each batch's input and output file (no line failed: no error file).
                #expect(simulator.filesHeld == (keep ? 4 : 0), "keep_remote_files \(keep)")
            }
        }
    }
}

/// Downloads of output files are streamed line by line, never collected whole.
@Suite("Jobs via the Batch API: streamed downloads")
struct StreamedDownloadTests {
    @Test("an output file far larger than the transport's answer limit is recorded line by line")
    func largerThanAnswerLimit() async throws {
        let fixture = try RunnerFixture()
        let simulator = Simulator(configuration: SimulatorConfiguration())
        let port = try await simulator.start()
        // 32 KiB: enough for every JSON answer of the Files and Batches API, far below the
        // output file (6 embeddings of 1,024 floats each, about 70 KB), which a collected body
        // would refuse ("larger than the limit").
        let transport = AsyncHTTPTransport(connectionsPerHost: 4, maximumResponseBytes: 32 << 10)
        var env = fixture.environment(transport)
        env.settings = Settings(environment: [
            "OPENAI_BASE_URL": "http://127.0.0.1:\(port)/v1", "OPENAI_API_KEY": "k",
        ])
        let ids = (1...6).map { "v\($0)" }
        let lines = ids.map { id in
            JobFixtures.line(
                customID: id, url: "/v1/embeddings",
                body: ["model": "text-embedding-3-small", "input": "text of \(id)", "dimensions": 1024])
        }
        let input = fixture.directory.write("big.jsonl", lines: lines)
        let job = try await fixture.submit(input, options: JobSettings(via: .batch, keepRemoteFiles: true))
        let outcome = try await JobRunner(jobID: job.id, environment: env).run()
        try await transport.shutdown()
        try await simulator.shutdown()
        guard case .completed(let done) = outcome else {
            Issue.record("not completed: \(outcome)")
            return
        }
        let results = RunnerFixture.objects(OutputFiles(input: done.inputPath).results)
        #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == ids)
        let size =
            (try FileManager.default.attributesOfItem(atPath: OutputFiles(input: input).results)[.size]
            as? NSNumber)?.intValue ?? 0
        #expect(size > 32 << 10, "the answers are larger than one collected answer may be")
        let vectors = results.compactMap {
            ((($0["response"] as? [String: Any])?["body"] as? [String: Any])?["data"] as? [[String: Any]])?
                .first?["embedding"] as? [Any]
        }
        #expect(vectors.count == 6 && vectors.allSatisfy { $0.count == 1024 })
        #expect(simulator.stats.received == 0, "nothing went live")
    }
}
