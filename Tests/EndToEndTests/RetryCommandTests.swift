import BatchCore
import BatchSimulator
import Foundation
import Testing

/// `batchctl retry` end to end, with a SIGKILL while the retried lines are sent.
@Suite("batchctl retry", .serialized)
struct RetryCommandTests {
    @Test("retry the 503s, SIGKILL the run that sends them, run again: exactly one line per custom_id")
    func retryWithKill() async throws {
        let flaky = try await SimulatorHarness.start { $0.faults.serverError503 = 0.3 }
        let folder = try TestFolder()
        let ids = (0..<300).map { "k\($0)" }
        let path = folder.path + "/flaky.jsonl"
        try (ids.map { JobFiles.chat($0) }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let first = try await folder.batchctl(
            ["run", "--max-attempts", "1", path], environment: flaky.openAIEnvironment())
        try await flaky.shutdown()
        #expect(first.status == 1, "\(first.stderr)")
        let failed = try #require(try folder.job(1)).counts.failed
        #expect(failed > 20)

        let retry = try await folder.batchctl(["retry", "1", "--status", "5xx"], environment: [:])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains("\(failed) lines queued again"))
        let between = try JobOutputs(input: path)
        #expect(between.errors.isEmpty, "the 503 lines left the errors file")
        #expect(between.duplicates.isEmpty)

        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(20) }
        defer { Task { try? await sim.shutdown() } }
        sim.simulator.holdRequests(after: failed / 2)
        let killed = try ChildProcess(
            Binaries.batchctl, ["run", "--database", folder.database, "--concurrency", "4", path],
            environment: sim.openAIEnvironment(), folder: folder.path)
        try await waitUntil("requests in flight, held") { sim.simulator.heldCount >= 1 }
        killed.signal(SIGKILL)
        #expect(await killed.wait() == 128 + SIGKILL)
        sim.simulator.releaseHeld()
        let midway = try JobOutputs(input: path)
        #expect(midway.duplicates.isEmpty && midway.results.count < ids.count)

        let last = try await folder.batchctl(["run", path], environment: sim.openAIEnvironment())

        #expect(last.status == 0, "\(last.stderr)")
        let outputs = try JobOutputs(input: path)
        #expect(outputs.duplicates.isEmpty && outputs.unparsable.isEmpty)
        #expect(Set(outputs.results.keys) == Set(ids))
        #expect(outputs.errors.isEmpty)
        #expect(try folder.job(1)?.counts.succeeded == ids.count)
    }
}
