import BatchCore
import BatchSimulator
import Foundation
import Testing

/// `batchctl pause` and `cancel` end to end, on jobs run by another process.
@Suite("batchctl pause, cancel", .serialized)
struct JobControlTests {
    private func writeJob(_ folder: TestFolder, _ name: String, count: Int) throws -> (
        path: String, ids: [String]
    ) {
        let ids = (0..<count).map { "\(name)-\($0)" }
        let path = folder.path + "/\(name).jsonl"
        try (ids.map { JobFiles.chat($0) }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        return (path, ids)
    }

    @Test(
        "pause a batchctl run from another terminal: no request starts 1 s after pause returns; resume finishes"
    )
    func pauseRun() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(20) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = try writeJob(folder, "paused", count: 1000)
        sim.simulator.recordArrivals()
        let runner = try ChildProcess(
            Binaries.batchctl, ["run", "--database", folder.database, "--concurrency", "4", job.path],
            environment: sim.openAIEnvironment(), folder: folder.path)
        try await waitUntil("some requests to be recorded") {
            (try folder.job(1)?.counts.succeeded ?? 0) >= 50
        }

        let pause = try await folder.batchctl(["pause", "1"], environment: [:])
        let returned = ContinuousClock.now
        let status = await runner.wait()

        #expect(pause.status == 0, "\(pause.stderr)")
        #expect(pause.stdout.contains("pause requested"))
        #expect(status == 2, "a paused job stops the run with status 2: \(runner.stderr)")
        let paused = try #require(try folder.job(1))
        #expect(paused.state == .paused)
        #expect(paused.stateCode == .pausedByUser)
        let arrivals = sim.simulator.arrivalTimes
        let last = try #require(arrivals.last)
        #expect(
            last < returned + .seconds(1),
            "the last request arrived \(returned.duration(to: last)) after pause returned")
        #expect(paused.counts.succeeded == arrivals.count, "every request sent was recorded")
        #expect(paused.counts.pending > 0)

        let resume = try await folder.batchctl(["resume", "1"], environment: [:])
        #expect(resume.status == 0)
        let rerun = try await folder.batchctl(["run", job.path], environment: sim.openAIEnvironment())
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let outputs = try JobOutputs(input: job.path)
        #expect(Set(outputs.results.keys) == Set(job.ids))
        #expect(outputs.duplicates.isEmpty)
        #expect(sim.simulator.arrivalTimes.count == job.ids.count, "nothing recorded was sent again")
    }

    @Test(
        "cancel a daemon's job: one line per custom_id (cancelled for the rest), report written, daemon goes on"
    )
    func cancelDaemonJob() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(20) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = try writeJob(folder, "doomed", count: 2000)
        _ = try await folder.batchctl(["submit", "--concurrency", "4", job.path], environment: [:])
        let daemon = try ChildProcess(
            Binaries.batchd, ["--database", folder.database, "--poll-interval", "0.1"],
            environment: sim.openAIEnvironment(), folder: folder.path)
        try await waitUntil("some requests to be recorded") {
            (try folder.job(1)?.counts.succeeded ?? 0) >= 20
        }

        let cancel = try await folder.batchctl(["cancel", "1", "--wait", "--json"], environment: [:])

        #expect(cancel.status == 0, "\(cancel.stderr)")
        let view = try #require(
            try JSONSerialization.jsonObject(with: Data(cancel.stdout.utf8)) as? [String: Any])
        #expect(view["state"] as? String == "cancelled")
        #expect(view["state_code"] as? String == "cancelled")
        let outputs = try JobOutputs(input: job.path)
        #expect(outputs.duplicates.isEmpty && outputs.unparsable.isEmpty)
        #expect(Set(outputs.results.keys).union(outputs.errors.keys) == Set(job.ids))
        #expect(outputs.results.count + outputs.errors.count == job.ids.count)
        let codes = Set(
            outputs.errors.values.compactMap { ($0["error"] as? [String: Any])?["code"] as? String })
        #expect(codes == ["cancelled"])
        #expect(FileManager.default.fileExists(atPath: folder.path + "/doomed.report.json"))
        #expect(sim.simulator.stats.received == outputs.results.count, "every request sent was recorded")

        daemon.signal(SIGTERM)
        #expect(await daemon.wait() == 0, "\(daemon.stderr)")
    }

    @Test("cancel a queued job nobody runs: finished by batchctl, every line cancelled, no endpoint needed")
    func cancelQueued() async throws {
        let folder = try TestFolder()
        let job = try writeJob(folder, "never", count: 5)
        _ = try await folder.batchctl(["submit", job.path], environment: [:])

        let cancel = try await folder.batchctl(["cancel", "1"], environment: [:])

        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout.contains("job 1 cancelled"))
        let outputs = try JobOutputs(input: job.path)
        #expect(Set(outputs.errors.keys) == Set(job.ids))
        #expect(try folder.job(1)?.state == .cancelled)
        let again = try await folder.batchctl(["cancel", "1"], environment: [:])
        #expect(again.status == 3)
        #expect(again.stderr.contains("is cancelled and cannot be cancelled"))
    }
}
