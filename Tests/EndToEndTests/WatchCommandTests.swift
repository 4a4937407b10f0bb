import BatchCore
import BatchSimulator
import Foundation
import Testing

/// `batchctl watch` end to end: following a `batchctl run` in another process.
@Suite("batchctl watch", .serialized)
struct WatchCommandTests {
    @Test("follows a job run elsewhere until it ends, and exits with run's status; JSON lines")
    func followsARun() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(10) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let path = folder.path + "/watched.jsonl"
        let lines = (0..<400).map { JobFiles.chat("w\($0)") } + ["not json"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        // The run is held in steps so that the watch sees it move whatever the machine's speed:
        // held after 100 requests until the watch has shown the job once, then let on to 300 and
        // held again until the watch has shown a rate. The test waits on what the watch prints.
        sim.simulator.holdRequests(after: 100)
        let runner = try ChildProcess(
            Binaries.batchctl, ["run", "--database", folder.database, "--concurrency", "4", path],
            environment: sim.openAIEnvironment(), folder: folder.path)
        try await waitUntil("the job to exist") { try folder.job(1) != nil }

        let watcher = try ChildProcess(
            Binaries.batchctl, ["watch", "1", "--interval", "0.2", "--json", "--database", folder.database],
            environment: [:], folder: folder.path)
        func shown() -> [[String: Any]] {
            watcher.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        try await waitUntil("a first view of the job") { !shown().isEmpty }
        sim.simulator.releaseHeld()
        sim.simulator.holdRequests(after: 300)
        try await waitUntil("a view of the running job with a rate") {
            shown().contains { ($0["lines_per_second"] as? Double ?? 0) > 0 }
        }
        sim.simulator.releaseHeld()
        let runStatus = await runner.wait()
        let watch = (status: await watcher.wait(), stdout: watcher.stdout, stderr: watcher.stderr)

        #expect(watch.status == 1, "a rejected line: run's status 1 (\(watch.stderr))")
        #expect(runStatus == 1)
        let views = try watch.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(views.count >= 2, "one line per interval")
        let last = try #require(views.last)
        #expect(last["state"] as? String == "completed")
        #expect(last["done"] as? Int == 400 && last["total"] as? Int == 400)
        #expect(last["errors"] as? [String: Int] == ["invalid_json_line": 1])
        #expect(views.contains { ($0["lines_per_second"] as? Double ?? 0) > 0 }, "a rate while it ran")
        #expect(views.contains { ($0["tokens_per_minute"] as? Int ?? 0) > 0 })
    }

    @Test("without a job id and with nothing running: says so, exit 0")
    func nothingToWatch() async throws {
        let folder = try TestFolder()
        let watch = try await folder.batchctl(["watch"], environment: [:])
        #expect(watch.status == 0)
        #expect(watch.stdout.contains("no job is queued or running"))
    }

    @Test("plain lines when not on a terminal: a paused job ends the watch with status 2")
    func plainLines() async throws {
        let folder = try TestFolder()
        let path = folder.path + "/p.jsonl"
        try (JobFiles.chat("p1") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try await folder.batchctl(["submit", path], environment: [:])
        _ = try await folder.batchctl(["pause", "1"], environment: [:])

        let watch = try await folder.batchctl(["watch", "1"], environment: [:])

        #expect(watch.status == 2)
        #expect(watch.stdout.hasPrefix("job 1 paused (paused_by_user)  0/0"))
        #expect(!watch.stdout.contains("\u{1B}"), "no terminal codes in a pipe")
    }
}
