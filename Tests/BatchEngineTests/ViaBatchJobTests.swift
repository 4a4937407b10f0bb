import BatchConfig
import BatchCore
import BatchSimulator
import BatchTesting
import BatchTransport
import Foundation
import Testing

@testable import BatchEngine
@testable import BatchStore

/// Whole jobs `via batch` against the simulator on 127.0.0.1.
@Suite("Jobs via the Batch API")
struct ViaBatchJobTests {
    let fixture: RunnerFixture

    init() throws {
        fixture = try RunnerFixture()
    }

    func withSimulator(
        _ environment: (String) -> [String: String],
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (Simulator, RunEnvironment) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration()
        configure(&configuration)
        let simulator = Simulator(configuration: configuration)
        let port = try await simulator.start()
        let transport = AsyncHTTPTransport(connectionsPerHost: 8)
        var env = fixture.environment(transport)
        env.settings = Settings(environment: environment("http://127.0.0.1:\(port)"))
        do {
            try await body(simulator, env)
        } catch {
            try? await transport.shutdown()
            try? await simulator.shutdown()
            throw error
        }
        try await transport.shutdown()
        try await simulator.shutdown()
    }

    func lines() -> String {
        let chat = (1...6).map { JobFixtures.chatLine(customID: "c\($0)") }
        // Distinct inputs: a repeated embedding would be answered from the cache, not batched.
        let embeddings = (1...2).map { JobFixtures.embeddingLine(customID: "e\($0)", input: "Hello \($0)") }
        return fixture.directory.write("input.jsonl", lines: chat + embeddings)
    }

    static let allIDs = ["c1", "c2", "c3", "c4", "c5", "c6", "e1", "e2"]

    @Test("OpenAI: chat and embeddings split under --batch-max-lines, every custom_id once, nothing live")
    func openAI() async throws {
        try await withSimulator({ ["OPENAI_BASE_URL": $0 + "/v1", "OPENAI_API_KEY": "k"] }) {
            simulator, env in
            let job = try await fixture.submit(lines(), options: JobSettings(via: .batch, batchMaxLines: 4))
            let outcome = try await JobRunner(jobID: job.id, environment: env).run()
            guard case .completed(let done) = outcome else {
                Issue.record("not completed: \(outcome)")
                return
            }
            let results = RunnerFixture.objects(OutputFiles(input: done.inputPath).results)
            #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == Self.allIDs)
            #expect(simulator.batchesCreated == 3)
            #expect(simulator.stats.received == 0)
            let batches = try await fixture.store.remoteBatches(job: job.id)
            #expect(batches.map(\.lines).sorted() == [2, 2, 4])
            #expect(batches.allSatisfy { $0.step == .recorded })
        }
    }

    @Test("Azure: embeddings are not batched there and go live in the same job")
    func azure() async throws {
        let environment: (String) -> [String: String] = {
            ["AZURE_OPENAI_ENDPOINT": $0, "AZURE_OPENAI_API_KEY": "k", "OPENAI_API_VERSION": "v1"]
        }
        try await withSimulator(environment) { simulator, env in
            let job = try await fixture.submit(lines(), options: JobSettings(via: .auto))
            let outcome = try await JobRunner(jobID: job.id, environment: env).run()
            guard case .completed(let done) = outcome else {
                Issue.record("not completed: \(outcome)")
                return
            }
            let results = RunnerFixture.objects(OutputFiles(input: done.inputPath).results)
            #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == Self.allIDs)
            #expect(simulator.batchesCreated == 1)
            // The two embedding lines go live, packed into one request.
            #expect(simulator.stats.received == 1)
            #expect(simulator.stats.embeddingRequests == 1)
        }
    }

    @Test("with --fallback live, an expired batch's unanswered lines go live in the same run")
    func expiredGoLive() async throws {
        try await withSimulator(
            { ["OPENAI_BASE_URL": $0 + "/v1", "OPENAI_API_KEY": "k"] },
            configure: { $0.batches.expire = true }
        ) { simulator, env in
            let job = try await fixture.submit(
                lines(), options: JobSettings(via: .batch, batchFallback: .live))
            let outcome = try await JobRunner(jobID: job.id, environment: env).run()
            guard case .completed(let done) = outcome else {
                Issue.record("not completed: \(outcome)")
                return
            }
            let results = RunnerFixture.objects(OutputFiles(input: done.inputPath).results)
            #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == Self.allIDs)
            // Half of each batch's lines (3 of 6 chat, 1 of 2 embeddings) went live.
            #expect(simulator.stats.received == 4)
        }
    }

    @Test("a drain while a batch is in progress stops the wait at once; the batch stays recorded")
    func drainWhilePolling() async throws {
        try await withSimulator(
            { ["OPENAI_BASE_URL": $0 + "/v1", "OPENAI_API_KEY": "k"] },
            configure: { $0.batches.processingTime = .seconds(3600) }
        ) { simulator, env in
            let job = try await fixture.submit(lines(), options: JobSettings(via: .batch))
            let runner = JobRunner(jobID: job.id, environment: env)
            let run = Task { try await runner.run() }
            // Each batch's first poll saw it validating: both now wait on the manual clock to poll
            // again (nothing else sleeps on it here).
            #expect(await fixture.clock.waitForSleepers(2), "both batches wait to poll again")
            let created = try await fixture.store.remoteBatches(job: job.id).filter { $0.remote != nil }
            #expect(created.count == 2, "both batches created before the wait")
            runner.drain()
            guard case .drained(let drained) = try await run.value else {
                Issue.record("not drained")
                return
            }
            #expect(drained.state == .queued)
            let batches = try await fixture.store.remoteBatches(job: job.id)
            #expect(batches.allSatisfy { $0.step == .created && $0.remote?.status == "validating" })
            #expect(simulator.batchesCreated == 2)
            #expect(simulator.stats.received == 0)
            #expect(try fixture.pending(job.id).isEmpty)
        }
    }

    @Test("the cache: a repeat rides its first line's batch, batch answers are cached, a copy makes no batch")
    func cached() async throws {
        try await withSimulator({ ["OPENAI_BASE_URL": $0 + "/v1", "OPENAI_API_KEY": "k"] }) {
            simulator, env in
            // e4 repeats e1.
            let lines = (1...4).map { JobFixtures.embeddingLine(customID: "e\($0)", input: "text \($0 % 3)") }
            func run(_ name: String) async throws -> (JobRecord, [[String: Any]]) {
                let job = try await fixture.submit(
                    fixture.directory.write(name, lines: lines), options: JobSettings(via: .batch))
                guard case .completed(let done) = try await JobRunner(jobID: job.id, environment: env).run()
                else {
                    Issue.record("not completed")
                    throw CancellationError()
                }
                return (done, RunnerFixture.objects(OutputFiles(input: done.inputPath).results))
            }
            func vector(_ results: [[String: Any]], _ id: String) -> [Double]? {
                let result = results.first { $0["custom_id"] as? String == id }
                let body = (result?["response"] as? [String: Any])?["body"] as? [String: Any]
                return (body?["data"] as? [[String: Any]])?.first?["embedding"] as? [Double]
            }
            let (first, results) = try await run("first.jsonl")
            #expect(results.compactMap { $0["custom_id"] as? String }.sorted() == ["e1", "e2", "e3", "e4"])
            #expect(try await fixture.store.remoteBatches(job: first.id).map(\.lines) == [3], "e4 rides once")
            #expect(simulator.stats.received == 0, "e4 was answered from e1's batch answer, not sent live")
            #expect(vector(results, "e4") != nil && vector(results, "e4") == vector(results, "e1"))
            #expect(try await fixture.store.cacheSavings(job: first.id).first?.requests == 1)

            let (copy, again) = try await run("copy.jsonl")
            #expect(simulator.batchesCreated == 1, "every answer of the copy was in the cache: no batch")
            #expect(simulator.stats.received == 0)
            #expect(try await fixture.store.remoteBatches(job: copy.id).isEmpty)
            #expect(again.count == 4 && vector(again, "e2") == vector(results, "e2"))
            #expect(try await fixture.store.cacheSavings(job: copy.id).first?.requests == 4)
        }
    }
}
