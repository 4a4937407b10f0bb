import BatchConfig
import BatchCore
import BatchTesting
import BatchTransport
import Foundation
import Testing

@testable import BatchEngine
@testable import BatchStore

@Suite("Answer cache: kept bodies (cache_keep_bodies) and uploads keyed by their content")
struct AnswerCacheBodiesTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    private var keeping: ConfigFile {
        var config = ConfigFile()
        config.cacheKeepBodies = true
        return config
    }

    private func chat(_ id: String, _ content: String) -> String {
        JobFixtures.line(
            customID: id, url: "/v1/chat/completions",
            body: [
                "model": "gpt-4o-mini", "temperature": 0, "messages": [["role": "user", "content": content]],
            ])
    }

    private func run(
        _ name: String, _ lines: [String], options: JobSettings = JobSettings(),
        config: ConfigFile = ConfigFile(),
        transport: ScriptedTransport
    ) async throws -> (JobRecord, results: [[String: Any]]) {
        let path = fixture.directory.write(name, lines: lines)
        let job = try await fixture.submit(path, options: options)
        guard case .completed(let done) = try await fixture.runner(job, transport, config: config).run()
        else {
            Issue.record("the job did not complete")
            throw CancellationError()
        }
        return (done, RunnerFixture.objects(OutputFiles(input: done.inputPath).results))
    }

    private static func counting() -> ScriptedTransport {
        ScriptedTransport { request, _ in RunnerFixture.ok(request) }
    }

    private func response(_ result: [String: Any]?) -> [String: Any]? {
        result?["response"] as? [String: Any]
    }

    private func echo(_ result: [String: Any]?) -> String? {
        (response(result)?["body"] as? [String: Any])?["echo"] as? String
    }

    @Test("with cache_keep_bodies a hit survives its results file deleted or overwritten; without, a miss")
    func keptBodySurvivesOutputs() async throws {
        let lines = (0..<4).map { chat("k\($0)", "kept \($0)") }
        let (first, firstResults) = try await run(
            "k.jsonl", lines, config: keeping, transport: Self.counting())
        try FileManager.default.removeItem(atPath: OutputFiles(input: first.inputPath).results)

        let again = Self.counting()
        let (job, results) = try await run("k2.jsonl", lines, transport: again)
        #expect(again.requests.isEmpty, "every answer came from its kept body")
        #expect(results.count == 4)
        for index in 0..<4 {
            let result = results.first { $0["custom_id"] as? String == "k\(index)" }
            let earlier = firstResults.first { $0["custom_id"] as? String == "k\(index)" }
            #expect(echo(result) == "kept \(index)")
            #expect(result?["id"] as? String == OutputLine.id(job: job.id, line: index + 1))
            #expect(response(result)?["request_id"] as? String == response(earlier)?["request_id"] as? String)
        }
        #expect(try await fixture.store.cacheSavings(job: job.id).first?.requests == 4)

        // Overwritten in place: the kept body, not the edited line, answers.
        let (second, _) = try await run(
            "o.jsonl", [chat("o0", "overwritten")], config: keeping, transport: Self.counting())
        let path = OutputFiles(input: second.inputPath).results
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "overwritten", with: "OVERWRITTEN").utf8).write(
            to: URL(fileURLWithPath: path))
        let third = Self.counting()
        let (_, overwritten) = try await run("o2.jsonl", [chat("o0", "overwritten")], transport: third)
        #expect(third.requests.isEmpty)
        #expect(echo(overwritten.first) == "overwritten")

        // Without the option, nothing is kept: a deleted file is a miss.
        let (plain, _) = try await run("p.jsonl", [chat("p0", "plain")], transport: Self.counting())
        try FileManager.default.removeItem(atPath: OutputFiles(input: plain.inputPath).results)
        let fourth = Self.counting()
        _ = try await run("p2.jsonl", [chat("p0", "plain")], transport: fourth)
        #expect(fourth.requests.count == 1)
    }

    @Test("pruning forgets kept bodies with their entries: a deleted file is then a miss")
    func prunedBodies() async throws {
        let (first, _) = try await run(
            "q.jsonl", [chat("q0", "pruned")], config: keeping, transport: Self.counting())
        try FileManager.default.removeItem(atPath: OutputFiles(input: first.inputPath).results)
        let stats = try await fixture.store.cacheStats()
        #expect(stats.entries == 1 && stats.keptBodies == 1, "\(stats)")
        #expect(stats.keptBodyBytes > 0)
        fixture.clock.advance(by: .seconds(3_600))
        let pruned = try await fixture.store.pruneCache(before: fixture.clock.now)
        #expect(pruned.entries == 1)
        let remaining = try fixture.store.read { tx -> Int in
            let statement = try tx.connection.statement("SELECT COUNT(*) FROM answer_bodies")
            _ = try statement.step()
            return statement.int(0)
        }
        #expect(remaining == 0)
        let after = try await fixture.store.cacheStats()
        #expect(after.keptBodies == 0 && after.keptBodyBytes == 0)
        let again = Self.counting()
        _ = try await run("q2.jsonl", [chat("q0", "pruned")], transport: again)
        #expect(again.requests.count == 1)
    }

    @Test("a kept body is the response deflated: it inflates back to the line's response, smaller")
    func keptBodyRoundTrip() throws {
        let response =
            #"{"status_code":200,"request_id":"r","body":{"echo":"\#(String(repeating: "abc ", count: 50))"}}"#
        let line = Array(#"{"id":"x","custom_id":"c","response":\#(response),"error":null}"#.utf8) + [0x0A]
        let body = try #require(KeptBody.Deflater().body(ofLine: line))
        #expect(body.count < response.utf8.count / 2)
        #expect(KeptBody.inflate(body) == Array(response.utf8))
        #expect(KeptBody.inflate([1, 2, 3, 4]) == nil, "not deflate: unused")
    }

    private func transcription(_ id: String, file: String, temperature: Double? = nil) -> String {
        var body: [String: Any] = ["model": "whisper-1", "file": file, "response_format": "text"]
        if let temperature { body["temperature"] = temperature }
        return JobFixtures.line(customID: id, url: "/v1/audio/transcriptions", body: body)
    }

    private static func heard() -> ScriptedTransport {
        ScriptedTransport { _, index in
            HTTPAnswer(
                status: 200, headers: ["content-type": "text/plain"], body: Array("heard \(index)".utf8))
        }
    }

    @Test("transcriptions are keyed by the audio's content: the same audio under another name is not sent")
    func uploadsByContent() async throws {
        let dir = fixture.directory
        dir.write("a.wav", bytes: [1, 2, 3, 4])
        dir.write("b.wav", bytes: [9, 9, 9])
        dir.write("copy-of-a.wav", bytes: [1, 2, 3, 4])
        let first = Self.heard()
        let (_, firstResults) = try await run(
            "audio.jsonl", [transcription("a", file: "a.wav"), transcription("b", file: "b.wav")],
            transport: first)
        #expect(first.requests.count == 2)
        func text(_ results: [[String: Any]], _ id: String) -> String? {
            response(results.first { $0["custom_id"] as? String == id })?["body"] as? String
        }

        let second = Self.heard()
        dir.write("b.wav", bytes: [7, 7, 7])  // same name, new content
        let (job, results) = try await run(
            "audio-2.jsonl",
            [transcription("a2", file: "copy-of-a.wav"), transcription("b2", file: "b.wav")],
            transport: second)
        #expect(second.requests.count == 1, "only the changed audio is sent")
        #expect(text(results, "a2") == text(firstResults, "a"))
        #expect(text(results, "b2") == "heard 0")
        #expect(try await fixture.store.cacheSavings(job: job.id).first?.requests == 1)

        // Sampled above temperature 0: sent again under auto, reused with --cache.
        let sampled = Self.heard()
        _ = try await run(
            "audio-3.jsonl", [transcription("s", file: "a.wav", temperature: 0.6)], transport: sampled)
        let sampledAgain = Self.heard()
        _ = try await run(
            "audio-4.jsonl", [transcription("s", file: "a.wav", temperature: 0.6)], transport: sampledAgain)
        #expect(sampledAgain.requests.count == 1, "auto does not reuse sampled transcriptions")
        // With --cache (always) a sampled transcription is cached too: its copy is not sent again.
        _ = try await run(
            "audio-5.jsonl", [transcription("s", file: "a.wav", temperature: 0.6)],
            options: JobSettings(cache: .always), transport: Self.heard())
        let always = Self.heard()
        _ = try await run(
            "audio-6.jsonl", [transcription("s", file: "copy-of-a.wav", temperature: 0.6)],
            options: JobSettings(cache: .always), transport: always)
        #expect(always.requests.isEmpty)
    }

    @Test("speech answers saved as files are never cached")
    func speechNotCached() async throws {
        let line = JobFixtures.line(
            customID: "say", url: "/v1/audio/speech",
            body: ["model": "tts-1", "input": "Hello", "voice": "alloy", "response_format": "wav"])
        let answer = ScriptedTransport { _, _ in
            HTTPAnswer(status: 200, headers: ["content-type": "audio/wav"], body: [0x52, 0x49, 0x46, 0x46])
        }
        _ = try await run("say.jsonl", [line], options: JobSettings(cache: .always), transport: answer)
        let again = ScriptedTransport { _, _ in
            HTTPAnswer(status: 200, headers: ["content-type": "audio/wav"], body: [0x52, 0x49, 0x46, 0x46])
        }
        _ = try await run("say-2.jsonl", [line], options: JobSettings(cache: .always), transport: again)
        #expect(again.requests.count == 1)
    }
}
