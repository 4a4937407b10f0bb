import BatchCore
import BatchEngine
import BatchTesting
import Foundation
import Testing

@Suite("output ordering (--ordered)")
struct OutputOrderingTests {
    static func line(_ number: Int, job: Int64 = 3) -> String {
        String(
            decoding: OutputLine.failure(
                id: OutputLine.id(job: job, line: number), customID: "c\(number)", code: "x",
                message: String(repeating: "m", count: number % 7)),
            as: UTF8.self)
    }

    @Test("a file in completion order is rewritten in input line order, the same lines and bytes")
    func orders() throws {
        let folder = try TemporaryDirectory()
        let numbers = [5, 1, 12, 3, 100, 2, 40, 9]
        let text = numbers.map { Self.line($0) }.joined()
        let path = folder.write("job.results.jsonl", bytes: Array(text.utf8))
        _ = folder.write("job.results.jsonl.ordering.tmp", bytes: Array("left by a crash".utf8))

        try OutputOrdering.order(path: path)

        let ordered = try String(contentsOfFile: path, encoding: .utf8)
        #expect(ordered == numbers.sorted().map { Self.line($0) }.joined())
        #expect(ordered.utf8.count == text.utf8.count, "the committed length still holds")
        #expect(!FileManager.default.fileExists(atPath: path + ".ordering.tmp"))
    }

    @Test("a file already in order, or empty, is left as it is")
    func leavesOrderedFiles() throws {
        let folder = try TemporaryDirectory()
        let path = folder.write(
            "job.errors.jsonl", bytes: Array([1, 2, 10].map { Self.line($0) }.joined().utf8))
        let before = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        try OutputOrdering.order(path: path)
        let after = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        #expect(before == after, "not rewritten")
        let empty = folder.write("empty.errors.jsonl", bytes: [])
        try OutputOrdering.order(path: empty)
        #expect(try String(contentsOfFile: empty, encoding: .utf8).isEmpty)
    }

    @Test("a job run with ordered: both files in input line order once it completes")
    func orderedJob() async throws {
        let fixture = try RunnerFixture()
        let ids = (0..<30).map { "o\($0)" }
        var lines = ids.map { JobFixtures.chatLine(customID: $0, content: "content of \($0)") }
        lines.insert("not json", at: 20)
        lines.insert("not json either", at: 5)
        let path = fixture.directory.write("ordered.jsonl", lines: lines)
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 8, ordered: true))
        // The first line's answer is held until every other request was sent: it completes last.
        let gate = AnswerGate()
        let transport = ScriptedTransport { request, index in
            let content = RunnerFixture.content(of: request)
            let number = Int(content.split(separator: "o").last ?? "") ?? 0
            if number == 0 { await gate.wait() }
            if index == ids.count - 1 { gate.open() }
            if number % 4 == 1 { return .json(400, #"{"error":{"code":"bad","message":"no"}}"#) }
            return RunnerFixture.ok(request)
        }

        let outcome = try await fixture.runner(job, transport).run()

        #expect(outcome.job.state == .completed)
        let files = OutputFiles(input: path)
        #expect(
            (RunnerFixture.objects(files.results).first?["custom_id"] as? String) == "o0",
            "the answer that came last is first")
        for file in [files.results, files.errors] {
            let numbers = RunnerFixture.objects(file).compactMap {
                ($0["id"] as? String)?.split(separator: "_").last
            }
            .compactMap { Int($0) }
            #expect(numbers == numbers.sorted(), "\(file): \(numbers)")
            #expect(!numbers.isEmpty)
        }
        #expect(RunnerFixture.objects(files.results).count + RunnerFixture.objects(files.errors).count == 32)
    }
}
