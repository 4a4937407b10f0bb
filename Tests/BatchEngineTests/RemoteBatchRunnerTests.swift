import BatchConfig
import BatchCore
import BatchSimulator
import BatchTesting
import BatchTransport
import Foundation
import Testing

@testable import BatchEngine
@testable import BatchStore

/// Runs remote batches against the simulator's Batch API on 127.0.0.1.
@Suite("Remote batches against the simulator")
struct RemoteBatchRunnerTests {
    let fixture: RunnerFixture

    init() throws {
        fixture = try RunnerFixture()
    }

    /// An API that creates the batch and then fails as if the process died before recording it.
    struct CrashAfterCreate: RemoteBatchAPI {
        let base: any RemoteBatchAPI
        func upload(path: String, size: Int64, fileName: String) async throws -> String {
            try await base.upload(path: path, size: size, fileName: fileName)
        }
        func findBatch(tag: String) async throws -> String? { try await base.findBatch(tag: tag) }
        func createBatch(inputFileID: String, endpoint: String, tag: String) async throws -> String {
            _ = try await base.createBatch(inputFileID: inputFileID, endpoint: endpoint, tag: tag)
            throw CancellationError()
        }
        func retrieve(batchID: String) async throws -> RemoteBatchSnapshot {
            try await base.retrieve(batchID: batchID)
        }
        func content(fileID: String, line: ([UInt8]) async throws -> Void) async throws {
            try await base.content(fileID: fileID, line: line)
        }
        func cancel(batchID: String) async throws { try await base.cancel(batchID: batchID) }
        func delete(fileID: String) async throws { try await base.delete(fileID: fileID) }
    }

    /// An API whose batches all fail validation on upload line 2.
    struct FailsValidation: RemoteBatchAPI {
        let base: any RemoteBatchAPI
        func upload(path: String, size: Int64, fileName: String) async throws -> String {
            try await base.upload(path: path, size: size, fileName: fileName)
        }
        func findBatch(tag: String) async throws -> String? { try await base.findBatch(tag: tag) }
        func createBatch(inputFileID: String, endpoint: String, tag: String) async throws -> String {
            try await base.createBatch(inputFileID: inputFileID, endpoint: endpoint, tag: tag)
        }
        func retrieve(batchID: String) async throws -> RemoteBatchSnapshot {
            RemoteBatchSnapshot(
                id: batchID, status: RemoteBatchStatus(status: "failed", total: 0),
                lineErrors: [.init(line: 2, code: "invalid_request", message: "too long")], tag: nil)
        }
        func content(fileID: String, line: ([UInt8]) async throws -> Void) async throws {
            try await base.content(fileID: fileID, line: line)
        }
        func cancel(batchID: String) async throws { try await base.cancel(batchID: batchID) }
        func delete(fileID: String) async throws { try await base.delete(fileID: fileID) }
    }

    struct Context {
        let simulator: Simulator
        let endpoint: Endpoint
        let api: HTTPRemoteBatchAPI
        let job: JobRecord
        let runner: RemoteBatchRunner
        let pending: [PendingRequest]
    }

    /// A simulator, a job of `count` chat lines ingested, and a runner for it.
    func withJob(
        count: Int, flavor: Endpoint.Flavor = .openAI,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (Context) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration()
        configure(&configuration)
        let simulator = Simulator(configuration: configuration)
        let port = try await simulator.start()
        let transport = AsyncHTTPTransport(connectionsPerHost: 4)
        let base = flavor == .openAI ? "http://127.0.0.1:\(port)/v1" : "http://127.0.0.1:\(port)"
        let endpoint = Endpoint(name: "sim", flavor: flavor, baseURL: base, credential: NoCredential())
        do {
            let path = fixture.writeInput(customIDs: (1...count).map { "r\($0)" })
            let submitted = try await fixture.submit(path)
            let outputs = OutputFiles(input: path)
            try Ingestor().run(
                job: submitted, store: fixture.store,
                errors: try OutputFile(path: outputs.errors, committedLength: 0))
            let job = try #require(try fixture.job(submitted.id))
            let writer = OutcomeWriter(
                store: fixture.store, jobID: job.id,
                results: try OutputFile(path: outputs.results, committedLength: 0),
                errors: try OutputFile(path: outputs.errors, committedLength: job.committedOutput.errorsBytes)
            )
            let api = HTTPRemoteBatchAPI(endpoint: endpoint, transport: transport, clock: fixture.clock)
            let runner = RemoteBatchRunner(
                store: fixture.store, api: api, endpoint: endpoint, clock: fixture.clock, job: job,
                writer: writer,
                workDirectory: fixture.directory.path(""), pollInterval: .seconds(60))
            try await body(
                Context(
                    simulator: simulator, endpoint: endpoint, api: api, job: job, runner: runner,
                    pending: try fixture.pending(job.id)))
        } catch {
            try? await transport.shutdown()
            try? await simulator.shutdown()
            throw error
        }
        try await transport.shutdown()
        try await simulator.shutdown()
    }

    static func customIDs(_ path: String) -> [String] {
        RunnerFixture.objects(path).compactMap { $0["custom_id"] as? String }.sorted()
    }

    @Test(
        "a part goes up, through the batch and back into the results file, once each", arguments: [0, 1, 2])
    func roundTrip(form: Int) async throws {
        let flavor: Endpoint.Flavor = [
            .openAI, .azure(apiVersion: "v1"), .azure(apiVersion: "2025-04-01-preview"),
        ][form]
        try await withJob(count: 5, flavor: flavor) { context in
            let finished = try await context.runner.run(context.pending, path: .chatCompletions)
            #expect(finished.released == 0)
            #expect(finished.record.step == .recorded)
            #expect(finished.record.remote?.status == "completed")
            #expect(context.simulator.batchesCreated == 1)
            let outputs = OutputFiles(input: context.job.inputPath)
            #expect(Self.customIDs(outputs.results) == (1...5).map { "r\($0)" }.sorted())
            let first = try #require(RunnerFixture.objects(outputs.results).first)
            #expect((first["id"] as? String)?.hasPrefix("batch_req_\(context.job.id)_") == true)
            #expect((first["response"] as? [String: Any])?["status_code"] as? Int == 200)
            #expect(try fixture.pending(context.job.id).isEmpty)
            let job = try #require(try fixture.job(context.job.id))
            #expect(job.counts.succeeded == 5)
            // Cleanup: the input file is gone remotely.
            let inputFile = try #require(finished.record.inputFileID)
            await #expect(throws: RemoteBatchAPIError.self) {
                try await context.api.content(fileID: inputFile) { _ in }
            }
        }
    }

    @Test("a crash between creating the batch and recording it: the resume finds it by its tag")
    func crashAfterCreate() async throws {
        try await withJob(count: 3) { context in
            var crashing = context.runner
            crashing = RemoteBatchRunner(
                store: crashing.store, api: CrashAfterCreate(base: context.api), endpoint: crashing.endpoint,
                clock: crashing.clock, job: crashing.job, writer: crashing.writer,
                workDirectory: crashing.workDirectory, pollInterval: crashing.pollInterval)
            await #expect(throws: CancellationError.self) {
                _ = try await crashing.run(context.pending, path: .chatCompletions)
            }
            let recorded = try #require(try await fixture.store.remoteBatches(job: context.job.id).first)
            #expect(recorded.step == .uploaded)
            #expect(context.simulator.batchesCreated == 1)
            let finished = try await context.runner.resume(recorded)
            #expect(context.simulator.batchesCreated == 1)
            #expect(finished.record.batchID != nil)
            #expect(Self.customIDs(OutputFiles(input: context.job.inputPath).results) == ["r1", "r2", "r3"])
        }
    }

    @Test("an expired batch: answered lines are recorded, the rest released for the live path")
    func expired() async throws {
        try await withJob(count: 4, configure: { $0.batches.expire = true }) { context in
            let finished = try await context.runner.run(context.pending, path: .chatCompletions)
            #expect(finished.record.remote?.status == "expired")
            #expect(finished.released == 2)
            let outputs = OutputFiles(input: context.job.inputPath)
            #expect(RunnerFixture.objects(outputs.results).count == 2)
            #expect(RunnerFixture.objects(outputs.errors).isEmpty)
            #expect(try fixture.pending(context.job.id).count == 2)
            // Recording again (a crash after the download) writes nothing twice.
            try await context.runner.recordAnswers(finished.record, files: [])
            #expect(RunnerFixture.objects(outputs.results).count == 2)
        }
    }

    @Test("a failed batch: the line its validation error names gets file:line:reason, the rest is released")
    func failedValidation() async throws {
        try await withJob(count: 3) { context in
            let base = context.runner
            let runner = RemoteBatchRunner(
                store: base.store, api: FailsValidation(base: context.api), endpoint: base.endpoint,
                clock: base.clock,
                job: base.job, writer: base.writer, workDirectory: base.workDirectory,
                pollInterval: base.pollInterval)
            let finished = try await runner.run(context.pending, path: .chatCompletions)
            #expect(finished.released == 2)
            let errors = RunnerFixture.objects(OutputFiles(input: context.job.inputPath).errors)
            #expect(errors.compactMap { $0["custom_id"] as? String } == ["r2"])
            let error = try #require(errors.first?["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_request")
            #expect(error["message"] as? String == "\(context.job.inputPath):2: invalid_request: too long")
            #expect(try fixture.pending(context.job.id).map(\.line) == [1, 3])
        }
    }

    @Test("failing lines go to the errors file in the live schema")
    func failingLines() async throws {
        try await withJob(count: 2, configure: { $0.batches.lineFailureRate = 1 }) { context in
            _ = try await context.runner.run(context.pending, path: .chatCompletions)
            let outputs = OutputFiles(input: context.job.inputPath)
            #expect(Self.customIDs(outputs.errors) == ["r1", "r2"])
            let line = try #require(RunnerFixture.objects(outputs.errors).first)
            #expect((line["response"] as? [String: Any])?["status_code"] as? Int == 500)
            #expect(try fixture.job(context.job.id)?.counts.failed == 2)
        }
    }
}
