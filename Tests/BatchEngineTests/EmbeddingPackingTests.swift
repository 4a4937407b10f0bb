import BatchConfig
import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Foundation
import Synchronization
import Testing

@Suite("Embeddings: packed, split back exactly, bad inputs bisected")
struct EmbeddingPackingTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    private func line(_ id: String, _ input: Any, extra: [String: Any] = [:]) -> String {
        var body: [String: Any] = ["model": "text-embedding-3-small", "input": input]
        for (key, value) in extra { body[key] = value }
        return JobFixtures.line(customID: id, url: "/v1/embeddings", body: body)
    }

    private func run(_ lines: [String], options: JobSettings = JobSettings(), transport: ScriptedTransport)
        async throws -> (JobRecord, results: [[String: Any]], errors: [[String: Any]], raw: [String])
    {
        let path = fixture.directory.write("emb.jsonl", lines: lines)
        let job = try await fixture.submit(path, options: options)
        guard case .completed(let done) = try await fixture.runner(job, transport).run() else {
            Issue.record("the job did not complete")
            throw CancellationError()
        }
        let files = OutputFiles(input: done.inputPath)
        return (
            done, RunnerFixture.objects(files.results), RunnerFixture.objects(files.errors),
            JobFixtures.lines(ofFile: files.results)
        )
    }

    private static func counting() -> ScriptedTransport {
        ScriptedTransport { request, index in FakeEmbeddings.answer(request, id: "req-\(index)") }
    }

    private func body(_ line: [String: Any]) -> [String: Any] {
        ((line["response"] as? [String: Any])?["body"] as? [String: Any]) ?? [:]
    }

    @Test(
        "lines are sent as one request and each gets its own results line, its vector's bytes as sent alone")
    func packedAndSplitBack() async throws {
        let texts = (1...9).map { "text number \($0)" }
        var lines = texts.enumerated().map { line("e\($0.offset)", $0.element) }
        lines.append(line("many", ["alpha", "beta", "gamma"]))
        let transport = Self.counting()
        let (job, results, errors, raw) = try await run(lines, transport: transport)

        #expect(transport.requests.count == 1)
        #expect(
            FakeEmbeddings.inputs(of: transport.requests[0]).inputs == texts + ["alpha", "beta", "gamma"])
        #expect(errors.isEmpty)
        #expect(results.count == 10)
        #expect(job.counts.succeeded == 10)
        var usage = 0
        for (index, text) in texts.enumerated() {
            let result = try #require(results.first { $0["custom_id"] as? String == "e\(index)" })
            let response = try #require(result["response"] as? [String: Any])
            #expect(response["status_code"] as? Int == 200)
            #expect(response["request_id"] as? String == "req-0")
            #expect(result["id"] as? String == OutputLine.id(job: job.id, line: index + 1))
            let body = body(result)
            #expect(body["object"] as? String == "list")
            #expect(body["model"] as? String == "text-embedding-3-small")
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.count == 1)
            #expect(data[0]["index"] as? Int == 0)
            // The vector's bytes, exactly as the server wrote them for this input.
            let rawLine = try #require(raw.first { $0.contains("\"custom_id\":\"e\(index)\"") })
            #expect(rawLine.contains(#""embedding":\#(FakeEmbeddings.vectorText(text))"#))
            usage += ((body["usage"] as? [String: Any])?["prompt_tokens"] as? Int) ?? 0
        }
        let many = body(try #require(results.first { $0["custom_id"] as? String == "many" }))
        let data = try #require(many["data"] as? [[String: Any]])
        #expect(data.compactMap { $0["index"] as? Int } == [0, 1, 2])
        usage += ((many["usage"] as? [String: Any])?["prompt_tokens"] as? Int) ?? 0
        let real = (texts + ["alpha", "beta", "gamma"]).reduce(0) { $0 + FakeEmbeddings.tokens($1) }
        #expect(usage == real, "the shares add up to the usage the server reported")
        let summary = try await fixture.store.usageSummary(job: job.id)
        #expect(summary.usage.first?.usage.promptTokens == real, "the report's totals are the real usage")
    }

    @Test("base64 answers are sliced the same way")
    func base64() async throws {
        let lines = (0..<4).map { line("b\($0)", "text \($0)", extra: ["encoding_format": "base64"]) }
        let transport = Self.counting()
        let (_, results, _, raw) = try await run(lines, transport: transport)
        #expect(transport.requests.count == 1)
        #expect(results.count == 4)
        for index in 0..<4 {
            let rawLine = try #require(raw.first { $0.contains("\"custom_id\":\"b\(index)\"") })
            #expect(rawLine.contains(#""embedding":\#(FakeEmbeddings.base64Text("text \(index)"))"#))
        }
    }

    @Test("--pack 1 sends each line alone; bodies that differ apart from input are not packed together")
    func packingLimits() async throws {
        let alone = Self.counting()
        _ = try await run(
            (0..<5).map { line("a\($0)", "t\($0)") }, options: JobSettings(embeddingInputsPerRequest: 1),
            transport: alone)
        #expect(alone.requests.count == 5)

        let mixed = Self.counting()
        let lines = (0..<6).map { line("m\($0)", "t\($0)", extra: ["dimensions": $0 < 3 ? 256 : 512]) }
        let (_, results, _, _) = try await run(lines, options: JobSettings(), transport: mixed)
        #expect(mixed.requests.count == 2)
        #expect(results.count == 6)

        let capped = Self.counting()
        _ = try await run(
            (0..<10).map { line("c\($0)", "t\($0)") }, options: JobSettings(embeddingInputsPerRequest: 4),
            transport: capped)
        // Sent concurrently: the packs' sizes, not the order they reached the transport in.
        #expect(capped.requests.map { FakeEmbeddings.inputs(of: $0).inputs.count }.sorted() == [2, 4, 4])
    }

    @Test("a pack answered 400 is bisected until each bad line stands alone with its own error line")
    func bisection() async throws {
        let bad: Set<Int> = [5, 17]
        let lines = (0..<32).map { line("l\($0)", bad.contains($0) ? "BAD input \($0)" : "good \($0)") }
        let transport = Self.counting()
        let (job, results, errors, _) = try await run(lines, transport: transport)
        #expect(results.count == 30)
        #expect(errors.count == 2)
        #expect(Set(errors.compactMap { $0["custom_id"] as? String }) == ["l5", "l17"])
        for error in errors {
            let response = try #require(error["response"] as? [String: Any])
            #expect(response["status_code"] as? Int == 400)
            let body = try #require(response["body"] as? [String: Any])
            #expect((body["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        }
        // Each refused request held a bad line; every bad line was finally sent alone.
        let sent = transport.requests.map { FakeEmbeddings.inputs(of: $0).inputs }
        #expect(sent.contains(["BAD input 5"]) && sent.contains(["BAD input 17"]))
        // k = 2 bad lines of n = 32: at most 2·k·log2(n) = 20 extra requests.
        #expect(sent.count - 1 <= 20)
        #expect(job.counts.succeeded == 30 && job.counts.failed == 2)
    }

    @Test("an answer whose data do not match the inputs sent is retried, never mapped with a shift")
    func malformedAnswerRetried() async throws {
        let transport = ScriptedTransport { request, index in
            var answer = FakeEmbeddings.answer(request, id: "req-\(index)")
            if index == 0 {  // one embedding short
                let (inputs, _) = FakeEmbeddings.inputs(of: request)
                var shorter = request
                shorter.content = .bytes(
                    Array(
                        try! JSONSerialization.data(
                            withJSONObject: ["model": "m", "input": Array(inputs.dropLast())])))
                answer = FakeEmbeddings.answer(shorter, id: "req-0")
            }
            return answer
        }
        let (_, results, errors, _) = try await run(
            (0..<4).map { line("r\($0)", "t\($0)") }, transport: transport)
        #expect(transport.requests.count == 2)
        #expect(errors.isEmpty)
        #expect(results.count == 4)
        #expect(
            results.allSatisfy { ($0["response"] as? [String: Any])?["request_id"] as? String == "req-1" })
    }

    @Test("a 429 retries the whole pack")
    func throttledPackRetried() async throws {
        let transport = ScriptedTransport { request, index in
            index == 0
                ? HTTPAnswer.json(
                    429, #"{"error":{"code":"429","message":"slow down"}}"#, headers: ["retry-after-ms": "0"])
                : FakeEmbeddings.answer(request, id: "req-\(index)")
        }
        let (job, results, _, _) = try await run(
            (0..<6).map { line("t\($0)", "t\($0)") }, transport: transport)
        #expect(transport.requests.count == 2)
        #expect(transport.requests.allSatisfy { FakeEmbeddings.inputs(of: $0).inputs.count == 6 })
        #expect(results.count == 6)
        #expect(job.counts.throttled == 1)
    }

    @Test("a line invalid by itself is rejected at ingest with its line number; the rest is packed")
    func invalidLinesRejectedAtIngest() async throws {
        let lines = [
            line("ok1", "fine"), line("empty", ""), line("wrong", 42), line("hole", ["a", ""]),
            line("ok2", "x"),
        ]
        let transport = Self.counting()
        let (_, results, errors, _) = try await run(lines, transport: transport)
        #expect(transport.requests.count == 1)
        #expect(results.count == 2)
        let messages = Dictionary(
            uniqueKeysWithValues: errors.map {
                (
                    $0["custom_id"] as? String ?? "",
                    ($0["error"] as? [String: Any])?["message"] as? String ?? ""
                )
            })
        #expect(messages["empty"] == "emb.jsonl line 2: body.input is an empty string")
        #expect(
            messages["wrong"] == "emb.jsonl line 3: body.input must be a string or an array, found number")
        #expect(messages["hole"] == "emb.jsonl line 4: body.input[1] is an empty string")
        #expect(errors.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "invalid_input" })
    }

    @Test("an input repeated within a pack is sent once; each line holding it gets its own line and vector")
    func repeatedInputsSentOnce() async throws {
        let texts = ["Copyright notice", "first", "Copyright notice", "second", "Copyright notice"]
        let lines = texts.enumerated().map { line("d\($0.offset)", $0.element) }
        let transport = Self.counting()
        let (_, results, errors, raw) = try await run(lines, transport: transport)
        #expect(transport.requests.count == 1)
        #expect(
            FakeEmbeddings.inputs(of: transport.requests[0]).inputs == [
                "Copyright notice", "first", "second",
            ])
        #expect(errors.isEmpty && results.count == 5)
        for (index, text) in texts.enumerated() {
            let rawLine = try #require(raw.first { $0.contains("\"custom_id\":\"d\(index)\"") })
            #expect(rawLine.contains(#""embedding":\#(FakeEmbeddings.vectorText(text))"#))
        }
    }

    @Test(
        "an answer that never matches the inputs sent ends, after the last attempt, as malformed_answer lines"
    )
    func malformedAnswerFinal() async throws {
        let transport = ScriptedTransport { _, index in
            .json(
                200,
                #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1]}],"model":"m"}"#)
        }
        let (job, results, errors, _) = try await run(
            (0..<3).map { line("f\($0)", "t\($0)") }, options: JobSettings(maxAttempts: 2),
            transport: transport)
        #expect(transport.requests.count == 2)
        #expect(results.isEmpty)
        #expect(errors.count == 3)
        for error in errors {
            let detail = try #require(error["error"] as? [String: Any])
            #expect(detail["code"] as? String == "malformed_answer")
            #expect((detail["message"] as? String)?.contains("1 embeddings for 3 inputs") == true)
        }
        #expect(job.counts.failed == 3)
    }
}
