import BatchCore
import BatchSimulator
import Foundation
import Testing

/// Kill -9 at many points of a job's progress, restart, and check the promise: every request ends
/// with exactly one line across the results and errors files, no line is torn, and re-sends are
/// bounded by twice the concurrency for each kill, in lines (embeddings are sent packed).
@Suite("crash safety", .serialized)
struct CrashTests {
    /// The seed of the kill points (printed with every failure, so a failing run can be replayed).
    static let seed: UInt64 = 0xBA7C_4D15_5EED

    @Test("20 SIGKILLs at seeded points of the job's progress, then a clean finish")
    func seededKills() async throws {
        let sim = try await SimulatorHarness.start {
            $0.latency = .milliseconds(20)
            $0.latencyJitter = .milliseconds(40)
        }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = JobFiles.mixed(in: folder.path, name: "crash.jsonl", count: 3000)
        let concurrency = 16
        // Packing on, in packs small enough that a kill finds several in flight.
        let pack = 8
        let arguments = [
            "run", "--database", folder.database, "--concurrency", "\(concurrency)", "--pack", "\(pack)",
            job.path,
        ]
        let kills = 20
        // 20 runs get at most 2,000 answers, the job needs 3,000: every kill lands while it runs.
        let points = try await Self.kill(
            kills, runsOf: arguments, answering: 40...100, sim: sim, folder: folder)
        let last = try await folder.batchctl(
            ["run", "--concurrency", "\(concurrency)", "--pack", "\(pack)", job.path],
            environment: sim.openAIEnvironment())

        let context = "seed \(Self.seed), kill points (request of the run / its budget) \(points)"
        #expect(last.status == 1, "only the malformed lines fail: \(last.stderr)")
        let outputs = try JobOutputs(input: job.path)
        #expect(outputs.unparsable.isEmpty, "no torn line (\(context))")
        #expect(outputs.duplicates.isEmpty, "no custom_id twice (\(context))")
        #expect(Set(outputs.results.keys) == Set(job.ids))
        #expect(outputs.errors.count + outputs.anonymousErrors.count == job.malformed.count)
        // Counted in lines: a pack of embeddings re-sends every line it holds.
        let resent = sim.simulator.stats.linesReceived - job.ids.count
        #expect(resent >= 0)
        #expect(
            sim.simulator.stats.embeddingInputs > sim.simulator.stats.embeddingRequests, "packs were sent")
        // The job has two lanes (gpt-4o-mini for chat and responses, text-embedding-3-small), each
        // with `concurrency` slots: a kill can leave at most twice that many requests unrecorded,
        // on the wire or answered but not committed; on the embeddings lane each holds up to
        // `pack` lines.
        #expect(
            resent <= kills * 2 * concurrency * (1 + pack),
            "re-sends bounded by kills × 2 × concurrency × (1 + pack) lines (\(context))")
        let report = try Report(path: folder.path + "/crash.report.json")
        #expect(report.succeeded == job.ids.count)
        #expect(report.rejected == job.malformed.count)
    }

    @Test("SIGKILLs while a changed copy is answered from the cache: one line each, hits never sent")
    func killsWithCacheHits() async throws {
        let sim = try await SimulatorHarness.start { $0.latency = .milliseconds(10) }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        func line(_ index: Int, _ content: String) -> String {
            JobFiles.line([
                "custom_id": "c\(index)", "method": "POST", "url": "/v1/chat/completions",
                "body": [
                    "model": "gpt-4o-mini", "temperature": 0, "max_tokens": 8,
                    "messages": [["role": "user", "content": content]],
                ],
            ])
        }
        let count = 1_500
        let original = (0..<count).map { line($0, "question \($0)") }
        // Every third line changed: its page holds hits and sends side by side.
        let changed = Set(stride(from: 0, to: count, by: 3))
        let copy = (0..<count).map {
            changed.contains($0) ? line($0, "question \($0), reworded") : original[$0]
        }
        let first = folder.path + "/nightly.jsonl"
        let second = folder.path + "/nightly-copy.jsonl"
        try (original.joined(separator: "\n") + "\n").write(toFile: first, atomically: true, encoding: .utf8)
        try (copy.joined(separator: "\n") + "\n").write(toFile: second, atomically: true, encoding: .utf8)
        let done = try await folder.batchctl(["run", first], environment: sim.openAIEnvironment())
        try #require(done.status == 0, "the first file completes: \(done.stderr)")
        let before = try JobOutputs(input: first)
        let sentBefore = sim.simulator.stats.received

        let concurrency = 8
        let kills = 5
        // At most 5 × 60 answers in all, fewer than the 500 changed lines: no run can finish.
        let points = try await Self.kill(
            kills, runsOf: ["run", "--database", folder.database, "--concurrency", "\(concurrency)", second],
            answering: 20...60, sim: sim, folder: folder)
        let last = try await folder.batchctl(
            ["run", "--concurrency", "\(concurrency)", second], environment: sim.openAIEnvironment())
        let context = "seed \(Self.seed), kill points \(points)"
        #expect(last.status == 0, "the copy completes: \(last.stderr)")
        let outputs = try JobOutputs(input: second)
        #expect(outputs.unparsable.isEmpty, "no torn line (\(context))")
        #expect(outputs.duplicates.isEmpty, "no custom_id twice (\(context))")
        #expect(outputs.errors.isEmpty && outputs.results.count == count)
        // Unchanged lines are hits: the first file's answers, never sent again.
        var reused = 0
        for index in 0..<count where !changed.contains(index) {
            let id = "c\(index)"
            let earlier = (before.results[id]?["response"] as? [String: Any]).map(NSDictionary.init)
            let now = (outputs.results[id]?["response"] as? [String: Any]).map(NSDictionary.init)
            if let earlier, earlier == now { reused += 1 }
        }
        #expect(reused == count - changed.count, "every unchanged line answered from the cache (\(context))")
        let sent = sim.simulator.stats.received - sentBefore
        #expect(sent >= changed.count)
        #expect(
            sent <= changed.count + kills * 2 * concurrency,
            "only changed lines are sent, re-sends bounded by kills × 2 × concurrency (\(context))")
    }

    /// Runs `batchctl arguments` `kills` times, each SIGKILLed at a seeded point: the run is
    /// answered a seeded number of requests in `answering` at most, then the simulator holds the
    /// rest (so the run cannot end first, whatever the timing), and it is killed once the simulator
    /// has received a seeded number of its requests: some answers still in flight or being
    /// committed, or (at budget + 1) all of them in and the next requests held. Returns the kill
    /// points ("request of the run / its budget"), for failure messages.
    static func kill(
        _ kills: Int, runsOf arguments: [String], answering: ClosedRange<Int>, sim: SimulatorHarness,
        folder: TestFolder
    ) async throws -> [String] {
        var random = SplitMix64(seed: seed)
        var points: [String] = []
        for _ in 0..<kills {
            let received = sim.simulator.stats.received
            let budget = Int.random(in: answering, using: &random)
            sim.simulator.holdRequests(after: received + budget)
            let killAfter = received + Int.random(in: 1...(budget + 1), using: &random)
            points.append("\(killAfter - received)/\(budget)")
            let child = try ChildProcess(
                Binaries.batchctl, arguments, environment: sim.openAIEnvironment(), folder: folder.path)
            try await waitUntil("request \(killAfter) to arrive (kill points \(points))") {
                sim.simulator.stats.received >= killAfter
            }
            child.signal(SIGKILL)
            let status = await child.wait()
            sim.simulator.releaseHeld()
            try #require(status == 128 + SIGKILL, "killed, not ended (seed \(seed), points \(points))")
        }
        return points
    }

    @Test("a kill during ingest: the restart resumes reading without a lost or doubled line")
    func killDuringIngest() async throws {
        let sim = try await SimulatorHarness.start()
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        // Every request goes to a model with no quota, so once ingest is done the job pauses at once:
        // this test is about ingest, not sending.
        let count = 120_000
        var text = ""
        text.reserveCapacity(count * 120)
        var malformedLines: [Int] = []
        for i in 0..<count {
            if i % 10_000 == 5_000 {
                text += "{broken line \(i)\n"
                malformedLines.append(i + 1 + malformedLines.count)
            }
            text += #"{"custom_id":"i\#(i)","method":"POST","url":"/v1/chat/completions","#
            text += #""body":{"model":"no-quota","messages":[{"role":"user","content":"hello"}]}}"# + "\n"
        }
        let path = folder.path + "/ingest.jsonl"
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let child = try ChildProcess(
            Binaries.batchctl, ["run", "--database", folder.database, "--concurrency", "1", path],
            environment: sim.openAIEnvironment(), folder: folder.path)
        try await waitUntil("ingest to be part-way", timeout: .seconds(120)) {
            guard let job = try? folder.job(1) else { return false }
            return job.ingest.offset > 0 && !job.ingest.done
        }
        child.signal(SIGKILL)
        _ = await child.wait()
        let partial = try #require(try folder.job(1))

        let rerun = try await folder.batchctl(
            ["run", "--concurrency", "1", path], environment: sim.openAIEnvironment())

        #expect(rerun.status == 2, "the job pauses on insufficient_quota after ingest: \(rerun.stderr)")
        let job = try #require(try folder.job(1))
        #expect(partial.ingest.done == false)
        #expect(job.ingest.done)
        #expect(job.counts.requests == count)
        #expect(job.counts.rejected == malformedLines.count)
        let outputs = try JobOutputs(input: path)
        #expect(outputs.unparsable.isEmpty)
        let messages = outputs.anonymousErrors.compactMap {
            ($0["error"] as? [String: Any])?["message"] as? String
        }
        for line in malformedLines {
            #expect(
                messages.filter { $0.hasPrefix("ingest.jsonl line \(line): ") }.count == 1, "line \(line)")
        }
        #expect(messages.count == malformedLines.count)
    }
}

/// A small seeded generator (SplitMix64), so that the kill points are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
