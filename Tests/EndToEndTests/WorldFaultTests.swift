import BatchCore
import BatchSimulator
import Foundation
import Testing

/// Faults of the world: the disk fills, an output cannot be written, the input disappears. The job
/// pauses with the reason, keeps what it recorded, and `batchctl resume` continues it once fixed.
@Suite("faults of the world", .serialized)
struct WorldFaultTests {
    private func writeJob(_ folder: TestFolder, _ name: String, count: Int) throws -> (
        path: String, ids: [String]
    ) {
        let ids = (0..<count).map { "\(name)-\($0)" }
        let path = folder.path + "/\(name).jsonl"
        try (ids.map { JobFiles.embedding($0) }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        return (path, ids)
    }

    @Test("disk full (writes fail with ENOSPC): paused with the reason, resumed after the fix")
    func diskFull() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = try writeJob(folder, "full", count: 30)
        let results = folder.path + "/full.results.jsonl"
        // /dev/full accepts the open and fails every write with "No space left on device".
        try FileManager.default.createSymbolicLink(atPath: results, withDestinationPath: "/dev/full")

        let run = try await folder.batchctl(["run", job.path], environment: sim.openAIEnvironment())

        #expect(run.status == 2, "\(run.stderr)")
        let paused = try #require(try folder.job(1))
        #expect(paused.state == .paused)
        #expect(paused.stateCode == .outputUnwritable)
        #expect(paused.stateReason?.contains("No space left on device") == true)
        #expect(paused.counts.succeeded == 0)
        let status = try await folder.batchctl(["status", "1"], environment: [:])
        #expect(status.stdout.contains("output_unwritable"))

        try FileManager.default.removeItem(atPath: results)
        let resume = try await folder.batchctl(["resume", "1"], environment: [:])
        #expect(resume.status == 0)
        #expect(try folder.job(1)?.state == .queued)
        let rerun = try await folder.batchctl(["run", job.path], environment: sim.openAIEnvironment())

        #expect(rerun.status == 0, "\(rerun.stderr)")
        let outputs = try JobOutputs(input: job.path)
        #expect(Set(outputs.results.keys) == Set(job.ids))
        #expect(outputs.duplicates.isEmpty && outputs.unparsable.isEmpty)
    }

    @Test("an output that cannot be opened pauses the job before anything is sent")
    func outputNotWritable() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = try writeJob(folder, "blocked", count: 5)
        try FileManager.default.createDirectory(
            atPath: folder.path + "/blocked.errors.jsonl", withIntermediateDirectories: false)

        let run = try await folder.batchctl(["run", job.path], environment: sim.openAIEnvironment())

        #expect(run.status == 2)
        #expect(run.stderr.contains("blocked.errors.jsonl"))
        #expect(try folder.job(1)?.stateCode == .outputUnwritable)
        #expect(sim.simulator.stats.received == 0)
    }

    @Test("an input deleted under a job: the next run pauses it with input_modified")
    func inputDeleted() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = try writeJob(folder, "gone", count: 5)
        _ = try await folder.batchctl(["submit", job.path], environment: [:])
        try FileManager.default.removeItem(atPath: job.path)
        try "replacement\n".write(toFile: job.path, atomically: true, encoding: .utf8)
        let run = try await folder.batchctl(["run", job.path], environment: sim.openAIEnvironment())

        #expect(run.status == 2, "\(run.stderr)")
        let paused = try #require(try folder.job(1))
        #expect(paused.stateCode == .inputModified)
        #expect(sim.simulator.stats.received == 0, "no wrong body was sent")
    }
}
