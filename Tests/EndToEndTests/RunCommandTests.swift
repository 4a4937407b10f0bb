import BatchCore
import BatchSimulator
import Foundation
import Testing

/// `batchctl run` end to end: the built binary against the simulator on a loopback port.
@Suite("batchctl run", .serialized)
struct RunCommandTests {
    @Test(
        "a mixed job: every valid line once in the results, every bad line in the errors with its line number"
    )
    func mixedJob() async throws {
        let sim = try await SimulatorHarness.start { $0.apiKey = "sk-test-key" }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = JobFiles.mixed(in: folder.path, name: "mixed.jsonl", count: 300)

        let run = try await folder.batchctl(["run", job.path], environment: sim.openAIEnvironment())

        #expect(run.status == 1, "rejected lines make the exit status 1: \(run.stderr)")
        let outputs = try JobOutputs(input: job.path)
        #expect(outputs.unparsable.isEmpty)
        #expect(outputs.duplicates.isEmpty)
        #expect(Set(outputs.results.keys) == Set(job.ids))
        for (id, line) in outputs.results {
            let response = try #require(line["response"] as? [String: Any], "\(id)")
            #expect(response["status_code"] as? Int == 200)
            #expect((response["request_id"] as? String)?.isEmpty == false)
            #expect(response["body"] is [String: Any])
        }
        let rejected = outputs.errors.values.map { $0 } + outputs.anonymousErrors
        #expect(rejected.count == job.malformed.count)
        for (lineNumber, code) in job.malformed {
            let match = rejected.first {
                (($0["error"] as? [String: Any])?["message"] as? String)?.hasPrefix(
                    "mixed.jsonl line \(lineNumber):")
                    == true
            }
            let error = try #require(
                match?["error"] as? [String: Any], "line \(lineNumber) has an error line")
            #expect(error["code"] as? String == code)
        }
        let report = try Report(path: folder.path + "/mixed.report.json")
        #expect(report.succeeded == job.ids.count)
        #expect(report.rejected == job.malformed.count)
        #expect(report.failed == 0)
        #expect(report.lines == job.ids.count + job.malformed.count)
        #expect(report.tokens.keys.sorted() == ["gpt-4o-mini", "text-embedding-3-small"])
    }

    @Test("the Azure URL forms", arguments: ["2024-10-21", "v1"])
    func azureForms(apiVersion: String) async throws {
        let sim = try await SimulatorHarness.start { $0.apiKey = "azure-test-key" }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let lines = (0..<30).map { JobFiles.chat("a\($0)", model: "my-deployment", url: "/chat/completions") }
        let path = folder.path + "/azure.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let run = try await folder.batchctl(
            ["run", path], environment: sim.azureEnvironment(apiVersion: apiVersion))

        #expect(run.status == 0, "\(run.stderr)")
        let outputs = try JobOutputs(input: path)
        #expect(outputs.results.count == 30)
        #expect(outputs.errors.isEmpty)
        let body = try #require(
            (outputs.results["a0"]?["response"] as? [String: Any])?["body"] as? [String: Any])
        #expect(body["model"] as? String == "my-deployment")
        #expect(sim.simulator.stats.answered4xx == 0)
    }

    @Test("a wrong API key ends every request in the errors file with its 401 answer")
    func wrongKey() async throws {
        let sim = try await SimulatorHarness.start { $0.apiKey = "right" }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let path = folder.path + "/auth.jsonl"
        try (JobFiles.chat("x1") + "\n" + JobFiles.chat("x2") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)

        let run = try await folder.batchctl(["run", path], environment: sim.openAIEnvironment(key: "wrong"))

        #expect(run.status == 1)
        let outputs = try JobOutputs(input: path)
        #expect(outputs.results.isEmpty)
        #expect(Set(outputs.errors.keys) == ["x1", "x2"])
        let response = try #require(outputs.errors["x1"]?["response"] as? [String: Any])
        #expect(response["status_code"] as? Int == 401)
        #expect(sim.simulator.stats.received == 2, "a 401 is not retried")
        let errors = try String(contentsOfFile: folder.path + "/auth.errors.jsonl", encoding: .utf8)
        #expect(!errors.contains("wrong"), "the key never reaches an output file")
    }

    @Test("no endpoint configured: exit 3 and a message naming the variables to set")
    func missingConfiguration() async throws {
        let folder = try TestFolder()
        let path = folder.path + "/job.jsonl"
        try (JobFiles.chat("c") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let run = try await folder.batchctl(["run", path], environment: [:])

        #expect(run.status == 3)
        #expect(run.stderr.contains("AZURE_OPENAI_ENDPOINT"))
        #expect(run.stderr.contains("OPENAI_API_KEY"))
    }

    @Test("insufficient_quota stops the job: exit 2, state paused, nothing lost")
    func insufficientQuota() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let path = folder.path + "/quota.jsonl"
        let lines = (0..<20).map { JobFiles.chat("q\($0)", model: "no-quota") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let run = try await folder.batchctl(
            ["run", "--concurrency", "2", path], environment: sim.openAIEnvironment())

        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("insufficient_quota"))
        let status = try await folder.batchctl(["status", "1", "--json"], environment: [:])
        let job = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(job["state"] as? String == "paused")
        #expect(job["state_code"] as? String == "insufficient_quota")
        #expect(job["pending"] as? Int == 20)
        #expect(sim.simulator.stats.received <= 2, "no request starts after the first insufficient_quota")
    }

    @Test("running a completed file again sends nothing")
    func completedFileIsNotSentAgain() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let path = folder.path + "/once.jsonl"
        try ((0..<5).map { JobFiles.embedding("e\($0)") }.joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)

        let first = try await folder.batchctl(["run", path], environment: sim.openAIEnvironment())
        let second = try await folder.batchctl(["run", path], environment: sim.openAIEnvironment())

        #expect(first.status == 0)
        #expect(second.status == 0)
        #expect(second.stderr.contains("already completed"))
        #expect(sim.simulator.stats.linesReceived == 5)
        #expect(try JobOutputs(input: path).results.count == 5)
    }

    @Test("running a completed file again needs no endpoint: the earlier summary and its exit status")
    func completedFileWithoutEndpoint() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let path = folder.path + "/done.jsonl"
        let lines = (0..<5).map { JobFiles.embedding("n\($0)") } + ["not json"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let first = try await folder.batchctl(["run", path], environment: sim.openAIEnvironment())
        let second = try await folder.batchctl(["run", path], environment: [:])
        // With a file that must run, the endpoint is needed again, and nothing is queued without it.
        let other = folder.path + "/other.jsonl"
        try (JobFiles.embedding("o1") + "\n").write(toFile: other, atomically: true, encoding: .utf8)
        let third = try await folder.batchctl(["run", path, other], environment: [:])
        let list = try await folder.batchctl(["list", "--json"], environment: [:])

        #expect(first.status == 1, "a rejected line: \(first.stderr)")
        #expect(second.status == 1, "the same status, no endpoint needed: \(second.stderr)")
        #expect(second.stderr.contains("job 1 had already completed"))
        #expect(third.status == 3, "\(third.stderr)")
        #expect(third.stderr.contains("OPENAI_API_KEY"))
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])
        #expect(jobs.count == 1, "no job for other.jsonl: \(list.stdout)")
        #expect(sim.simulator.stats.linesReceived == 5)
    }

    @Test("a completed file touched (new mtime, same bytes) is not sent again")
    func touchedFileIsNotSentAgain() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let path = folder.path + "/touched.jsonl"
        try ((0..<5).map { JobFiles.embedding("t\($0)") }.joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)

        let first = try await folder.batchctl(["run", path], environment: sim.openAIEnvironment())
        let later = Date().addingTimeInterval(3600)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: path)
        let second = try await folder.batchctl(["run", path], environment: sim.openAIEnvironment())

        #expect(first.status == 0)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("job 1 had already completed"))
        #expect(sim.simulator.stats.linesReceived == 5)
    }
}

/// The fields of `<stem>.report.json` the tests check.
struct Report: Decodable {
    var lines: Int
    var requests: Int
    var succeeded: Int
    var failed: Int
    var rejected: Int
    var attempts: Int
    var throttled: Int
    var tokens: [String: [String: Int]]

    init(path: String) throws {
        self = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

@Suite("batchctl run interrupted", .serialized)
struct RunInterruptTests {
    @Test("Ctrl-C drains: exit 130, in-flight requests recorded, the same command resumes")
    func interruptAndResume() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(100) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let ids = (0..<20).map { "s\($0)" }
        let path = folder.path + "/ctrlc.jsonl"
        try (ids.map { JobFiles.chat($0) }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let arguments = ["run", "--concurrency", "4", path]

        // Four answers, then the requests in flight are held: the job cannot finish before Ctrl-C
        // (it once did, one run in five, when the signal came late under the parallel runner).
        sim.simulator.holdRequests(after: 4)
        let child = try ChildProcess(
            Binaries.batchctl, arguments + ["--database", folder.database, "--log-level", "info"],
            environment: sim.openAIEnvironment(),
            folder: folder.path)
        try await waitUntil("requests in flight, held") { sim.simulator.heldCount >= 1 }
        child.signal(SIGINT)
        // Once the drain began no request starts: the held ones are answered and must be recorded.
        try await waitUntil("the drain to begin") { child.stderr.contains("draining") }
        sim.simulator.releaseHeld()
        let status = await child.wait()

        let job = try #require(try folder.job(1))
        #expect(sim.simulator.stats.received > 4 && sim.simulator.stats.received <= 8)
        #expect(job.counts.succeeded == sim.simulator.stats.received, "every answered request was recorded")
        #expect(status == 130, "stderr: \(child.stderr)")
        #expect(job.state == .queued)
        let rerun = try await folder.batchctl(arguments, environment: sim.openAIEnvironment())
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(sim.simulator.stats.received == ids.count)
        #expect(Set(try JobOutputs(input: path).results.keys) == Set(ids))
    }
}
