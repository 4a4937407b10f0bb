import BatchCore
import BatchSimulator
import Foundation
import Testing

/// `batchd` end to end: jobs submitted with `batchctl submit`, run by the daemon, stopped with signals.
@Suite("batchd", .serialized)
struct DaemonTests {
    private func writeJob(_ folder: TestFolder, _ name: String, count: Int) throws -> (
        path: String, ids: [String]
    ) {
        let ids = (0..<count).map { "\(name)-\($0)" }
        let path = folder.path + "/\(name).jsonl"
        try (ids.map { JobFiles.chat($0) }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        return (path, ids)
    }

    private func startDaemon(_ folder: TestFolder, environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(
            Binaries.batchd,
            ["--database", folder.database, "--poll-interval", "0.1", "--drain-timeout", "30"],
            environment: environment, folder: folder.path)
    }

    @Test("submitted jobs are run by the daemon, which exits 0 on SIGTERM")
    func runsSubmittedJobs() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let first = try writeJob(folder, "first", count: 40)
        let second = try writeJob(folder, "second", count: 25)

        let submit = try await folder.batchctl(
            ["submit", "--json", first.path, second.path], environment: [:])
        #expect(submit.status == 0, "\(submit.stderr)")
        let daemon = try startDaemon(folder, environment: sim.openAIEnvironment())
        try await waitUntil("both jobs to complete") {
            try folder.job(1)?.state == .completed && folder.job(2)?.state == .completed
        }
        daemon.signal(SIGTERM)
        let status = await daemon.wait()

        #expect(status == 0, "\(daemon.stderr)")
        for job in [first, second] {
            let outputs = try JobOutputs(input: job.path)
            #expect(Set(outputs.results.keys) == Set(job.ids))
            #expect(outputs.duplicates.isEmpty && outputs.unparsable.isEmpty)
        }
        let list = try await folder.batchctl(["list", "--json"], environment: [:])
        let jobs = try #require(
            try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(jobs.map { $0["state"] as? String } == ["completed", "completed"])
        #expect(jobs.map { $0["succeeded"] as? Int } == [25, 40])
    }

    @Test("SIGTERM drains: requests in flight are recorded, the job is queued again, a restart finishes it")
    func gracefulStop() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(100) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = try writeJob(folder, "slow", count: 24)
        _ = try await folder.batchctl(["submit", "--concurrency", "4", job.path], environment: [:])

        // Four answers, then the requests in flight are held: the job cannot finish before the stop.
        sim.simulator.holdRequests(after: 4)
        let daemon = try startDaemon(folder, environment: sim.openAIEnvironment())
        try await waitUntil("requests in flight, held") { sim.simulator.heldCount >= 1 }
        daemon.signal(SIGTERM)
        // Once the drain began no request starts: the held ones are answered and must be recorded.
        try await waitUntil("the drain to begin") { daemon.stderr.contains("draining") }
        sim.simulator.releaseHeld()
        let status = await daemon.wait()

        #expect(status == 0, "\(daemon.stderr)")
        let stopped = try #require(try folder.job(1))
        #expect(stopped.state == .queued)
        let received = sim.simulator.stats.received
        #expect(received > 4 && received <= 8, "four answers, then at most four in flight")
        #expect(stopped.counts.succeeded == received, "every request that was in flight was recorded")
        #expect(try JobOutputs(input: job.path).results.count == received)

        let restarted = try startDaemon(folder, environment: sim.openAIEnvironment())
        try await waitUntil("the job to complete") { try folder.job(1)?.state == .completed }
        restarted.signal(SIGTERM)
        #expect(await restarted.wait() == 0)
        let outputs = try JobOutputs(input: job.path)
        #expect(Set(outputs.results.keys) == Set(job.ids))
        #expect(outputs.duplicates.isEmpty)
        #expect(sim.simulator.stats.received == job.ids.count, "nothing recorded was sent again")
    }

    @Test(
        "after SIGKILL, running the same file again resumes it: each line once, at most two re-sends per slot"
    )
    func resumeAfterKill() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(100) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = try writeJob(folder, "killed", count: 200)
        let concurrency = 8

        // At most 60 answers before the kill: it lands while the job runs, whatever the timing.
        sim.simulator.holdRequests(after: 60)
        let first = try ChildProcess(
            Binaries.batchctl,
            ["run", "--database", folder.database, "--concurrency", "\(concurrency)", job.path],
            environment: sim.openAIEnvironment(), folder: folder.path)
        try await waitUntil("some requests to be recorded") {
            (try folder.job(1)?.counts.succeeded ?? 0) >= 40
        }
        first.signal(SIGKILL)
        #expect(await first.wait() == 128 + SIGKILL)
        sim.simulator.releaseHeld()

        let second = try await folder.batchctl(
            ["run", "--concurrency", "\(concurrency)", job.path], environment: sim.openAIEnvironment())

        #expect(second.status == 0, "\(second.stderr)")
        let outputs = try JobOutputs(input: job.path)
        #expect(outputs.unparsable.isEmpty)
        #expect(outputs.duplicates.isEmpty)
        #expect(Set(outputs.results.keys) == Set(job.ids))
        // A kill re-sends what was on the wire or answered but not committed yet: at most twice the
        // concurrency for this one-lane job.
        #expect(sim.simulator.stats.received - job.ids.count <= 2 * concurrency)
        #expect(try folder.job(1)?.state == .completed)
    }
}

/// Several processes on one database.
@Suite("many processes, one database", .serialized)
struct SharedDatabaseTests {
    @Test("eight concurrent submits on a fresh database all succeed")
    func concurrentSubmits() async throws {
        let folder = try TestFolder()
        let paths = try (0..<8).map { index -> String in
            let path = folder.path + "/part-\(index).jsonl"
            try (JobFiles.chat("p\(index)") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let results = try await withThrowingTaskGroup(of: Int32.self) { group in
            for path in paths {
                group.addTask { try await folder.batchctl(["submit", path], environment: [:]).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: 0, count: 8))
        let list = try await folder.batchctl(["list", "--json"], environment: [:])
        let jobs = try #require(
            try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(
            Set(jobs.compactMap { $0["input"] as? String }.map { ($0 as NSString).lastPathComponent })
                == Set(paths.map { ($0 as NSString).lastPathComponent }))
    }

    @Test("two daemons on one database never send the same request twice")
    func twoDaemons() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(30) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        var all: [String] = []
        var paths: [String] = []
        for index in 0..<6 {
            let ids = (0..<40).map { "d\(index)-\($0)" }
            let path = folder.path + "/shared-\(index).jsonl"
            try (ids.map { JobFiles.chat($0) }.joined(separator: "\n") + "\n").write(
                toFile: path, atomically: true, encoding: .utf8)
            all += ids
            paths.append(path)
        }
        _ = try await folder.batchctl(["submit"] + paths, environment: [:])
        let arguments = ["--database", folder.database, "--poll-interval", "0.05", "--max-jobs", "2"]
        let first = try ChildProcess(
            Binaries.batchd, arguments, environment: sim.openAIEnvironment(), folder: folder.path)
        let second = try ChildProcess(
            Binaries.batchd, arguments, environment: sim.openAIEnvironment(), folder: folder.path)
        try await waitUntil("every job to complete") {
            try (1...6).allSatisfy { try folder.job(Int64($0))?.state == .completed }
        }
        first.signal(SIGTERM)
        second.signal(SIGTERM)
        #expect(await first.wait() == 0)
        #expect(await second.wait() == 0)

        #expect(sim.simulator.stats.received == all.count, "each request was sent exactly once")
        for path in paths {
            let outputs = try JobOutputs(input: path)
            #expect(outputs.results.count == 40 && outputs.duplicates.isEmpty)
        }
    }
}
