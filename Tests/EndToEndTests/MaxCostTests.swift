import BatchCore
import BatchSimulator
import Foundation
import Testing

/// `--max-cost` end to end: `batchctl run` against the simulator, prices from the config.
@Suite("batchctl run --max-cost", .serialized)
struct MaxCostTests {
    @Test("--max-cost 0.50 stops at ≤ $0.50 reconciled spend (budget_reached); resume --max-cost goes on")
    func capHolds() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(5) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        // $0.001 per token, input or output: each request's worst case is about $0.02.
        let config = folder.path + "/config.json"
        try #"{"prices": {"sim-priced": {"live": {"input": 1000, "output": 1000}}}}"#.write(
            toFile: config, atomically: true, encoding: .utf8)
        let ids = (0..<200).map { "c\($0)" }
        let path = folder.path + "/capped.jsonl"
        try (ids.map { JobFiles.chat($0, model: "sim-priced") }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)

        let run = try await folder.batchctl(
            ["run", "--config", config, "--concurrency", "8", "--max-cost", "0.50", path],
            environment: sim.openAIEnvironment())

        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("budget_reached"))
        let job = try #require(try folder.job(1))
        #expect(job.state == .paused)
        #expect(job.stateCode == .budgetReached)
        let outputs = try JobOutputs(input: path)
        var spent = 0.0
        for line in outputs.results.values {
            let usage = try #require((line["response"] as? [String: Any])?["body"] as? [String: Any])["usage"]
            let tokens = try #require(usage as? [String: Any])
            spent +=
                Double((tokens["prompt_tokens"] as? Int ?? 0) + (tokens["completion_tokens"] as? Int ?? 0))
                / 1000
        }
        #expect(spent <= 0.50, "reconciled spend $\(spent)")
        #expect(spent > 0.40, "the cap is used, not stopped far short: $\(spent)")
        #expect(sim.simulator.stats.received == outputs.results.count, "no request past the cap was sent")

        let resume = try await folder.batchctl(["resume", "1", "--max-cost", "100"], environment: [:])
        #expect(resume.status == 0, "\(resume.stderr)")
        let rerun = try await folder.batchctl(
            ["run", "--config", config, path], environment: sim.openAIEnvironment())
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let done = try JobOutputs(input: path)
        #expect(Set(done.results.keys) == Set(ids))
        #expect(done.duplicates.isEmpty)
        #expect(sim.simulator.stats.received == ids.count)
    }
}
