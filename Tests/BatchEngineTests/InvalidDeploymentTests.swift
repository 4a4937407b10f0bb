import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("JobRunner: names that cannot be an Azure deployment")
struct InvalidDeploymentTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    static let refused = ["../../admin", "a/b", "..", "x?y", "x#y", "a\\b", "tab\there", "\u{7F}"]

    private func environment(_ variables: [String: String], _ transport: ScriptedTransport) -> RunEnvironment
    {
        var environment = fixture.environment(transport)
        environment.settings = Settings(environment: variables)
        return environment
    }

    @Test("on an Azure endpoint such lines are rejected at ingest as invalid_deployment, never sent")
    func azureRejectsAtIngest() async throws {
        let lines =
            Self.refused.enumerated().map {
                JobFixtures.chatLine(customID: "bad-\($0.offset)", model: $0.element)
            }
            + [JobFixtures.chatLine(customID: "good", model: "my deployment")]
        let job = try await fixture.submit(fixture.directory.write("input.jsonl", lines: lines))
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let azure = [
            "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:9", "AZURE_OPENAI_API_KEY": "k",
            "OPENAI_API_VERSION": "2024-10-21",
        ]
        let outcome = try await JobRunner(jobID: job.id, environment: environment(azure, transport)).run()
        guard case .completed(let done) = outcome else {
            Issue.record("expected completed, got \(outcome)")
            return
        }
        #expect(done.counts.rejected == Self.refused.count)
        #expect(done.counts.succeeded == 1)
        #expect(
            transport.requests.map(\.url) == [
                "http://127.0.0.1:9/openai/deployments/my%20deployment/chat/completions?api-version=2024-10-21"
            ])
        let errors = RunnerFixture.objects(OutputFiles(input: done.inputPath).errors)
        try #require(errors.count == Self.refused.count)
        for (index, line) in errors.enumerated() {
            let error = try #require(line["error"] as? [String: Any])
            #expect(line["custom_id"] as? String == "bad-\(index)")
            #expect(error["code"] as? String == "invalid_deployment")
            let message = try #require(error["message"] as? String)
            #expect(message.hasPrefix("input.jsonl line \(index + 1): body.model "))
            #expect(message.contains("cannot be an Azure deployment name"))
        }
    }

    @Test("on an OpenAI endpoint the same names are only a model name, sent as they are")
    func openAIKeepsThem() async throws {
        let lines = Self.refused.enumerated().map {
            JobFixtures.chatLine(customID: "m-\($0.offset)", model: $0.element)
        }
        let job = try await fixture.submit(fixture.directory.write("input.jsonl", lines: lines))
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let outcome = try await JobRunner(
            jobID: job.id, environment: environment(["OPENAI_BASE_URL": RunnerFixture.baseURL], transport)
        ).run()
        #expect(outcome.job.counts.succeeded == Self.refused.count)
        #expect(outcome.job.counts.rejected == 0)
    }
}
