import BatchCore
import BatchSimulator
import Foundation
import Testing

/// Kill -9 at random moments, restart, and check the promise: every request ends with exactly one
/// line across the results and errors files, no line is torn, and re-sends are bounded by twice the
/// concurrency for each kill.
@Suite("crash safety", .serialized)
struct CrashTests {
    @Test("20 SIGKILLs at random moments, then a clean finish")
    func randomKills() async throws {
        let sim = try await SimulatorHarness.start {
            $0.latency = .milliseconds(20)
            $0.latencyJitter = .milliseconds(40)
        }
        defer { Task { try? await sim.shutdown() } }
        let folder = try TestFolder()
        let job = JobFiles.mixed(in: folder.path, name: "crash.jsonl", count: 3000)
        let concurrency = 16
        let arguments = ["run", "--database", folder.database, "--concurrency", "\(concurrency)", job.path]
        var kills = 0
        var delays: [Int] = []
        var ended: Int32?
        while kills < 20 {
            let child = try ChildProcess(
                Binaries.batchctl, arguments, environment: sim.openAIEnvironment(), folder: folder.path)
            let delay = Int.random(in: 20...400)
            delays.append(delay)
            try await Task.sleep(for: .milliseconds(delay))
            child.signal(SIGKILL)
            let status = await child.wait()
            if status != 128 + SIGKILL {  // it ended before the kill
                ended = status
                break
            }
            kills += 1
        }
        let last = try await folder.batchctl(
            ["run", "--concurrency", "\(concurrency)", job.path], environment: sim.openAIEnvironment())

        #expect(
            kills >= 15,
            "most kills landed while the job ran (delays: \(delays); a run ended by itself with \(String(describing: ended)))"
        )
        #expect(last.status == 1, "only the malformed lines fail: \(last.stderr)")
        let outputs = try JobOutputs(input: job.path)
        #expect(outputs.unparsable.isEmpty, "no torn line (delays: \(delays))")
        #expect(outputs.duplicates.isEmpty, "no custom_id twice (delays: \(delays))")
        #expect(Set(outputs.results.keys) == Set(job.ids))
        #expect(outputs.errors.count + outputs.anonymousErrors.count == job.malformed.count)
        let resent = sim.simulator.stats.received - job.ids.count
        #expect(resent >= 0)
        // The job has two lanes (gpt-4o-mini for chat and responses, text-embedding-3-small), each
        // with `concurrency` slots: a kill can leave at most twice that many requests unrecorded,
        // on the wire or answered but not committed.
        let lanes = 2
        #expect(
            resent <= kills * 2 * concurrency * lanes,
            "re-sends bounded by kills × 2 × concurrency × lanes (delays: \(delays))")
        let report = try Report(path: folder.path + "/crash.report.json")
        #expect(report.succeeded == job.ids.count)
        #expect(report.rejected == job.malformed.count)
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
