import BatchSimulator
import Foundation
import Testing

/// `batchctl rm`, `clean`, `list --state --since` and `cache stats` / `cache prune` end to end.
@Suite("batchctl rm, clean, list filters, cache stats and prune", .serialized)
struct HousekeepingCommandTests {
    @Test("rm and clean forget jobs, never their files; list filters by state and time")
    func forgetJobs() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        var paths: [String] = []
        for name in ["a", "b", "c"] {
            let path = folder.path + "/\(name).jsonl"
            try (JobFiles.chat("\(name)1") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        _ = try await folder.batchctl(["run", paths[0], paths[1]], environment: sim.openAIEnvironment())
        _ = try await folder.batchctl(["submit", paths[2]], environment: [:])

        func ids(_ arguments: [String]) async throws -> [Int] {
            let list = try await folder.batchctl(["list", "--json"] + arguments, environment: [:])
            let jobs = try #require(
                try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            return jobs.compactMap { $0["id"] as? Int }
        }
        #expect(try await ids(["--state", "completed"]) == [2, 1])
        #expect(try await ids(["--state", "queued", "--state", "completed"]) == [3, 2, 1])
        #expect(try await ids(["--since", "1h"]) == [3, 2, 1])
        #expect(try await ids(["--since", "2999-01-01"]).isEmpty)
        let bad = try await folder.batchctl(["list", "--since", "soon"], environment: [:])
        #expect(bad.status == 64)

        let rm = try await folder.batchctl(["rm", "1"], environment: [:])
        #expect(rm.status == 0, "\(rm.stderr)")
        #expect(try await ids([]) == [3, 2])
        #expect(FileManager.default.fileExists(atPath: folder.path + "/a.results.jsonl"), "the files stay")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/a.report.json"))

        let young = try await folder.batchctl(
            ["clean", "--finished", "--older-than", "30d"], environment: [:])
        #expect(young.status == 0)
        #expect(young.stdout.hasPrefix("forgot 0 jobs"))
        let clean = try await folder.batchctl(["clean", "--finished", "--json"], environment: [:])
        let cleaned = try #require(
            try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [[String: Any]])
        #expect(cleaned.compactMap { $0["id"] as? Int } == [2])
        #expect(try await ids([]) == [3], "a queued job is never cleaned")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/b.results.jsonl"))
        let usage = try await folder.batchctl(["clean"], environment: [:])
        #expect(usage.status == 64, "clean says which jobs: --finished")
    }

    @Test("a job whose input is still in a drop folder is kept: forgotten, the daemon would send it again")
    func dropFolderGuard() async throws {
        let folder = try TestFolder()
        let inbox = folder.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let path = inbox + "/d.jsonl"
        try (JobFiles.chat("d1") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let config = folder.path + "/config.json"
        try #"{"watch": {"folders": [{"path": "\#(inbox)"}]}}"#.write(
            toFile: config, atomically: true, encoding: .utf8)
        _ = try await folder.batchctl(["submit", path], environment: [:])
        _ = try await folder.batchctl(["cancel", "1"], environment: [:])

        let rm = try await folder.batchctl(["rm", "--config", config, "1"], environment: [:])
        #expect(rm.status == 3)
        #expect(rm.stderr.contains("still in the drop folder"))
        let clean = try await folder.batchctl(["clean", "--config", config, "--finished"], environment: [:])
        #expect(clean.stdout.contains("kept job 1"))
        let forced = try await folder.batchctl(["rm", "--config", config, "--force", "1"], environment: [:])
        #expect(forced.status == 0, "\(forced.stderr)")
    }

    @Test("cache stats counts entries, kept bodies and hits; prune forgets entries and bodies")
    func cacheStatsAndPrune() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let config = folder.path + "/config.json"
        try #"{"cache_keep_bodies": true}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let lines = ["e1", "e2", "e3"].map { JobFiles.embedding($0) }.joined(separator: "\n") + "\n"
        for name in ["first", "copy"] {
            try lines.write(toFile: folder.path + "/\(name).jsonl", atomically: true, encoding: .utf8)
            let run = try await folder.batchctl(
                ["run", "--config", config, folder.path + "/\(name).jsonl"],
                environment: sim.openAIEnvironment())
            #expect(run.status == 0, "\(run.stderr)")
        }

        func stats() async throws -> [String: Any] {
            let out = try await folder.batchctl(["cache", "stats", "--json"], environment: [:])
            #expect(out.status == 0, "\(out.stderr)")
            return try #require(
                try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        }
        let before = try await stats()
        #expect(before["entries"] as? Int == 3, "\(before)")
        let sources = try #require(before["sources"] as? Int)
        #expect(before["kept_bodies"] as? Int == 3)
        #expect((before["kept_body_bytes"] as? Int ?? 0) > 0)
        #expect(before["hits"] as? Int == 3, "the copy was answered from the cache")
        let text = try await folder.batchctl(["cache", "stats"], environment: [:])
        #expect(text.stdout.contains("kept bodies: 3"), "\(text.stdout)")

        let young = try await folder.batchctl(["cache", "prune", "--older-than", "1h"], environment: [:])
        #expect(young.stdout.hasPrefix("forgot 0 cache entries"), "\(young.stdout)")
        let prune = try await folder.batchctl(
            ["cache", "prune", "--older-than", "0s", "--json"], environment: [:])
        let pruned = try #require(
            try JSONSerialization.jsonObject(with: Data(prune.stdout.utf8)) as? [String: Int])
        #expect(pruned == ["entries": 3, "sources": sources])
        let after = try await stats()
        #expect(after["entries"] as? Int == 0 && after["kept_bodies"] as? Int == 0)
        #expect(after["hits"] as? Int == 3, "what was saved stays saved")
    }
}
