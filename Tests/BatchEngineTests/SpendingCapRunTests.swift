import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import Foundation
import Testing

/// `--max-cost` in a job's run: no request starts that could take the spend over the cap.
@Suite("JobRunner: spending cap")
struct SpendingCapRunTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// `priced` costs $0.001 per token, input or output.
    func environment(_ transport: ScriptedTransport) -> RunEnvironment {
        var env = fixture.environment(transport)
        var file = ConfigFile()
        file.prices = ["priced": .price(ModelPrice(live: .init(input: 1000, output: 1000)))]
        env.settings = Settings(file: file, environment: env.settings.environment)
        return env
    }

    /// Answers reporting 10 prompt and 5 completion tokens: $0.015 each.
    static func transport() -> ScriptedTransport {
        ScriptedTransport { _, _ in
            .json(
                200,
                #"{"id":"c","object":"chat.completion","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#
            )
        }
    }

    @Test("the job pauses budget_reached with spend ≤ the cap; resume with a higher cap finishes it")
    func pausesAtTheCap() async throws {
        // Each line: prompt "user" + 12 bytes = 4 tokens, max_tokens 16: worst case 20 tokens, $0.02.
        let lines = (0..<40).map {
            JobFixtures.chatLine(customID: "m\($0)", model: "priced", content: "twelve bytes", maxTokens: 16)
        }
        let path = fixture.directory.write("capped.jsonl", lines: lines)
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 4, maxCost: 0.25))
        let transport = Self.transport()

        let outcome = try await JobRunner(jobID: job.id, environment: environment(transport)).run()

        guard case .paused(let paused) = outcome else {
            Issue.record("expected paused, got \(outcome)")
            return
        }
        #expect(paused.stateCode == .budgetReached)
        #expect(paused.stateReason?.contains("of the $0.25 cap") == true, "\(paused.stateReason ?? "")")
        let spent = Double(paused.counts.succeeded) * 0.015
        #expect(spent <= 0.25, "reconciled spend \(spent)")
        #expect(
            paused.counts.succeeded >= 15, "reconciled spend lets more start than worst cases alone would")
        #expect(transport.requests.count == paused.counts.succeeded, "no request started past the cap")

        _ = try await fixture.store.resume(job: job.id, maxCost: 10, now: fixture.clock.now)
        let done = try await JobRunner(jobID: job.id, environment: environment(transport)).run()
        #expect(done.job.state == .completed)
        #expect(done.job.counts.succeeded == 40)
        #expect(transport.requests.count == 40, "nothing recorded was sent again")
    }

    @Test("a capped job's request to a model with no price does not start")
    func unpricedModel() async throws {
        let path = fixture.directory.write(
            "unpriced.jsonl",
            lines: [JobFixtures.chatLine(customID: "u", model: "no-such-model", maxTokens: 4)])
        let job = try await fixture.submit(path, options: JobSettings(maxCost: 5))
        let transport = Self.transport()

        let outcome = try await JobRunner(jobID: job.id, environment: environment(transport)).run()

        #expect(outcome.job.state == .paused)
        #expect(outcome.job.stateCode == .budgetReached)
        #expect(outcome.job.stateReason?.contains("has no price") == true)
        #expect(transport.requests.isEmpty)
    }
}
