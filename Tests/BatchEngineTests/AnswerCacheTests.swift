import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("Answer cache: answers reused by content across jobs and within one")
struct AnswerCacheTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// A chat line asking about `content`, deterministic when `temperature` is 0.
    private func chat(_ id: String, _ content: String, temperature: Double? = 0) -> String {
        var body: [String: Any] = [
            "model": "gpt-4o-mini", "messages": [["role": "user", "content": content]],
        ]
        if let temperature { body["temperature"] = temperature }
        return JobFixtures.line(customID: id, url: "/v1/chat/completions", body: body)
    }

    private func run(
        _ name: String, _ lines: [String], options: JobSettings = JobSettings(), transport: ScriptedTransport
    ) async throws -> (JobRecord, results: [[String: Any]]) {
        let path = fixture.directory.write(name, lines: lines)
        let job = try await fixture.submit(path, options: options)
        guard case .completed(let done) = try await fixture.runner(job, transport).run() else {
            Issue.record("the job did not complete")
            throw CancellationError()
        }
        return (done, RunnerFixture.objects(OutputFiles(input: done.inputPath).results))
    }

    private static func counting() -> ScriptedTransport {
        ScriptedTransport { request, _ in RunnerFixture.ok(request) }
    }

    private func echo(_ result: [String: Any]) -> String? {
        ((result["response"] as? [String: Any])?["body"] as? [String: Any])?["echo"] as? String
    }

    @Test("a copy under another name with some lines changed sends only the changed lines")
    func copyWithChanges() async throws {
        let first = (0..<20).map { chat("c\($0)", "question \($0)") }
        let transport = Self.counting()
        let (_, firstResults) = try await run("nightly.jsonl", first, transport: transport)
        #expect(transport.requests.count == 20)
        #expect(firstResults.count == 20)

        var second = first
        for index in [3, 7, 11] { second[index] = chat("c\(index)", "question \(index), reworded") }
        let again = Self.counting()
        let (job, results) = try await run("nightly-2.jsonl", second, transport: again)
        #expect(again.requests.count == 3, "only the changed lines are sent")
        #expect(Set(again.requests.map(RunnerFixture.content(of:))).count == 3)
        #expect(results.count == 20)
        #expect(job.counts.succeeded == 20)
        for index in 0..<20 {
            let result = try #require(results.first { $0["custom_id"] as? String == "c\(index)" })
            #expect(result["id"] as? String == OutputLine.id(job: job.id, line: index + 1))
            let asked = [3, 7, 11].contains(index) ? "question \(index), reworded" : "question \(index)"
            #expect(echo(result) == asked, "each line has its own request's answer")
        }
        let summary = try await fixture.store.usageSummary(job: job.id)
        #expect(summary.usage.first?.requests == 3, "hits are not counted as spent")
        let savings = try await fixture.store.cacheSavings(job: job.id)
        #expect(savings.first?.requests == 17)
        let saved = (0..<20).filter { ![3, 7, 11].contains($0) }
            .reduce(0) { $0 + RunnerFixture.promptTokens("question \($1)") + 2 }
        #expect(savings.first?.usage.totalTokens == saved)
        let report = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: OutputFiles(input: job.inputPath).report)))
        let cache = (report as? [String: Any])?["cache"] as? [String: Any]
        #expect(cache?["hits"] as? Int == 17)
    }

    @Test("lines without temperature 0 or a seed are sent again, unless --cache; --no-cache sends all")
    func policy() async throws {
        let lines = (0..<4).map { chat("p\($0)", "free \($0)", temperature: nil) }
        let transport = Self.counting()
        _ = try await run("a.jsonl", lines, options: JobSettings(cache: .always), transport: transport)
        let auto = Self.counting()
        _ = try await run("b.jsonl", lines, transport: auto)
        #expect(auto.requests.count == 4, "auto does not reuse answers to sampled requests")
        let always = Self.counting()
        _ = try await run("c.jsonl", lines, options: JobSettings(cache: .always), transport: always)
        #expect(always.requests.count == 0)
        let deterministic = (0..<4).map { chat("d\($0)", "same \($0)") }
        _ = try await run("d.jsonl", deterministic, transport: Self.counting())
        let off = Self.counting()
        _ = try await run("e.jsonl", deterministic, options: JobSettings(cache: .off), transport: off)
        #expect(off.requests.count == 4)
    }

    @Test("identical lines of one job are sent once and each gets its own output line")
    func withinJob() async throws {
        let lines = (0..<12).map { chat("w\($0)", "repeated \($0 % 3)") }
        let transport = Self.counting()
        let (job, results) = try await run("w.jsonl", lines, transport: transport)
        #expect(transport.requests.count == 3)
        #expect(results.count == 12)
        #expect(Set(results.compactMap { $0["custom_id"] as? String }).count == 12)
        #expect(Set(results.compactMap { $0["id"] as? String }).count == 12)
        for index in 0..<12 {
            let result = try #require(results.first { $0["custom_id"] as? String == "w\(index)" })
            #expect(echo(result) == "repeated \(index % 3)")
        }
        #expect(job.counts.succeeded == 12)
    }

    @Test("a failed answer is not reused: the lines that followed it are sent on their own")
    func errorsNotReused() async throws {
        let lines = (0..<3).map { chat("f\($0)", "same") }
        let transport = ScriptedTransport { _, _ in
            HTTPAnswer.json(400, #"{"error":{"code":"bad","message":"no"}}"#)
        }
        let path = fixture.directory.write("f.jsonl", lines: lines)
        let job = try await fixture.submit(path)
        _ = try await fixture.runner(job, transport).run()
        #expect(transport.requests.count == 3)
        let next = Self.counting()
        _ = try await run("f2.jsonl", lines, transport: next)
        #expect(next.requests.count == 1, "no error was cached; the one answer is reused within the job")
    }

    @Test("an answer whose results file is gone or changed is a miss, and the line is sent")
    func sourceChanged() async throws {
        let lines = (0..<3).map { chat("s\($0)", "kept \($0)") }
        let (first, _) = try await run("s.jsonl", lines, transport: Self.counting())
        let results = OutputFiles(input: first.inputPath).results
        // Overwritten in place (same file, other bytes at the same offsets).
        let text = try String(contentsOfFile: results, encoding: .utf8)
        let handle = try #require(FileHandle(forWritingAtPath: results))
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "kept 1", with: "kEpt 1").utf8))
        try handle.close()
        let again = Self.counting()
        _ = try await run("s2.jsonl", lines, transport: again)
        #expect(again.requests.map(RunnerFixture.content(of:)) == ["kept 1"])

        let (second, _) = try await run("t.jsonl", [chat("t0", "gone")], transport: Self.counting())
        try FileManager.default.removeItem(atPath: OutputFiles(input: second.inputPath).results)
        let third = Self.counting()
        _ = try await run("t2.jsonl", [chat("t0", "gone")], transport: third)
        #expect(third.requests.count == 1)
    }

    @Test("entries older than cache_max_age are misses; prune forgets them")
    func maxAge() async throws {
        let lines = [chat("m0", "old")]
        _ = try await run("m.jsonl", lines, transport: Self.counting())
        fixture.clock.advance(by: .seconds(31 * 86_400))
        let again = Self.counting()
        _ = try await run("m2.jsonl", lines, transport: again)
        #expect(again.requests.count == 1)
        let before = try await fixture.store.cacheStats()
        #expect(before.entries == 1)
        let cutoff = Timestamp(milliseconds: fixture.clock.now.milliseconds - 86_400_000)
        let pruned = try await fixture.store.pruneCache(before: cutoff)
        #expect(pruned.sources >= 1)
        #expect(try await fixture.store.cacheStats().sources == before.sources - pruned.sources)
    }

    @Test("embeddings: identical lines in different packs are sent once, each line cached on its own")
    func embeddingsAcrossPacks() async throws {
        func line(_ id: String, _ input: String) -> String {
            JobFixtures.line(
                customID: id, url: "/v1/embeddings",
                body: ["model": "text-embedding-3-small", "input": input])
        }
        let lines = (0..<12).map { line("e\($0)", "text \($0 % 4)") }
        let transport = ScriptedTransport { request, index in
            FakeEmbeddings.answer(request, id: "req-\(index)")
        }
        let (_, results) = try await run(
            "emb.jsonl", lines, options: JobSettings(embeddingInputsPerRequest: 2), transport: transport)
        let sent = transport.requests.flatMap { FakeEmbeddings.inputs(of: $0).inputs }
        #expect(sent.sorted() == (0..<4).map { "text \($0)" }, "each distinct input sent once")
        #expect(results.count == 12)
        let raw = JobFixtures.lines(ofFile: OutputFiles(input: fixture.directory.path("emb.jsonl")).results)
        for index in 0..<12 {
            let rawLine = try #require(raw.first { $0.contains("\"custom_id\":\"e\(index)\"") })
            #expect(rawLine.contains(#""embedding":\#(FakeEmbeddings.vectorText("text \(index % 4)"))"#))
        }
        // A new file with one new input: only that one is sent.
        let next = ScriptedTransport { request, index in FakeEmbeddings.answer(request, id: "n-\(index)") }
        _ = try await run(
            "emb2.jsonl", [line("x", "text 2"), line("y", "brand new")],
            options: JobSettings(embeddingInputsPerRequest: 2), transport: next)
        #expect(next.requests.flatMap { FakeEmbeddings.inputs(of: $0).inputs } == ["brand new"])
    }
}
