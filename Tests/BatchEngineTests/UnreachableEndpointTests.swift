import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Foundation
import Testing

@testable import BatchStore

@Suite("JobRunner: an endpoint that cannot be reached")
struct UnreachableEndpointTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    @Test("a refused port pauses the job endpoint_unreachable at once; no line fails, all stay pending")
    func refusedPortPauses() async throws {
        let port = try RefusedPort.make()
        let ids = ["a", "b", "c"]
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(maxAttempts: 2))
        let transport = AsyncHTTPTransport(connectionsPerHost: 4)
        var environment = fixture.environment(transport)
        environment.settings = Settings(environment: ["OPENAI_BASE_URL": "http://127.0.0.1:\(port)/v1"])
        let outcome = await Result { try await JobRunner(jobID: job.id, environment: environment).run() }
        try await transport.shutdown()

        guard case .success(.paused(let paused)) = outcome else {
            Issue.record("expected paused, got \(outcome)")
            return
        }
        #expect(paused.stateCode == .endpointUnreachable)
        #expect(paused.stateReason?.contains("127.0.0.1:\(port)") == true)
        #expect(paused.counts.failed == 0)
        #expect(paused.counts.succeeded == 0)
        #expect(try fixture.pending(job.id).map(\.customID).sorted() == ids)
        #expect(JobFixtures.lines(ofFile: OutputFiles(input: paused.inputPath).errors).isEmpty)
        #expect(try fixture.pending(job.id).allSatisfy { $0.attempts == 0 }, "a refusal is not an attempt")

        // Resumed once the endpoint answers, every line is sent and succeeds.
        let now = fixture.clock.now
        _ = try fixture.store.write { try $0.resume(job: job.id, now: now) }
        let answering = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        guard case .completed(let done) = try await fixture.runner(job, answering).run() else {
            Issue.record("expected the resumed job to complete")
            return
        }
        #expect(done.counts.succeeded == ids.count)
        #expect(done.counts.failed == 0)
    }

    private static let refused = TransportFailure(
        kind: .unreachable, message: "connection refused by 127.0.0.1:9: nothing is listening there")

    @Test("every request refused: the job pauses after exactly 20 refusals in a row, none failed")
    func pausesAfterTwentyRefusals() async throws {
        let ids = (1...5).map { "r\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 1, maxAttempts: 1))
        let transport = ScriptedTransport { _, _ in throw Self.refused }
        guard case .paused(let paused) = try await fixture.runner(job, transport).run() else {
            Issue.record("expected paused")
            return
        }
        #expect(transport.requests.count == EndpointReachability.defaultThreshold)
        #expect(paused.stateCode == .endpointUnreachable)
        #expect(
            paused.stateReason
                == BatchdError.endpointUnreachable(
                    "default", job: job.id, count: 20, detail: Self.refused.message
                ).message)
        #expect(paused.counts.failed == 0)
        #expect(try fixture.pending(job.id).count == ids.count)
    }

    @Test("refusals with answers between them never pause the job, and no refusal uses an attempt")
    func intermittentRefusalsAreRetried() async throws {
        let ids = (1...30).map { "i\($0)" }
        let job = try await fixture.submit(
            fixture.writeInput(customIDs: ids), options: JobSettings(concurrency: 1, maxAttempts: 1))
        // Every other send is refused: 30 refusals in all, never 20 in a row.
        let transport = ScriptedTransport { request, index in
            if index % 2 == 0 { throw Self.refused }
            return RunnerFixture.ok(request)
        }
        guard case .completed(let done) = try await fixture.runner(job, transport).run() else {
            Issue.record("expected completed")
            return
        }
        #expect(done.counts.succeeded == ids.count)
        #expect(done.counts.failed == 0)
        #expect(transport.requests.count == 2 * ids.count)
    }
}

extension Result where Failure == any Error {
    fileprivate init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
