import BatchCore
import BatchEngine
import BatchTesting
import Foundation
import Testing

@testable import BatchStore

@Suite("Ingestor")
struct IngestorTests {
    let directory: TemporaryDirectory
    let store: Store

    init() throws {
        directory = try TemporaryDirectory()
        store = try Store(path: directory.path("batchd.sqlite"))
    }

    /// One physical line of a test input: its text and its line ending.
    struct InputLine {
        var text: String
        var ending = "\n"
    }

    /// Writes `lines` (after a BOM when asked) and returns the path and each line's offset.
    private func writeInput(_ name: String, _ lines: [InputLine], bom: Bool = false) -> (String, [Int64]) {
        var bytes: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
        var offsets: [Int64] = []
        for line in lines {
            offsets.append(Int64(bytes.count))
            bytes += Array(line.text.utf8) + Array(line.ending.utf8)
        }
        return (directory.write(name, bytes: bytes), offsets)
    }

    private func submit(_ path: String) async throws -> JobRecord {
        try await Submitter(store: store).submit(path: path)
    }

    private func errorsFile(_ job: JobRecord) throws -> OutputFile {
        try OutputFile(
            path: OutputFiles(input: job.inputPath).errors, committedLength: job.committedOutput.errorsBytes)
    }

    private func reload(_ job: JobRecord) throws -> JobRecord {
        try #require(try store.read { try $0.job(job.id) })
    }

    private func pending(_ job: JobRecord) throws -> [PendingRequest] {
        try store.read { try $0.pendingRequests(job: job.id, afterLine: 0, limit: 1_000) }
    }

    static let mixed: [InputLine] = [
        InputLine(text: JobFixtures.chatLine(customID: "a", content: "first")),
        InputLine(text: #"{"custom_id": "b", "method": "POST", not json"#),
        InputLine(text: JobFixtures.line(customID: "c", url: "/v1/chat/completions", body: ["messages": []])),
        InputLine(text: ""),
        InputLine(text: JobFixtures.chatLine(customID: "a", content: "again")),
        InputLine(text: JobFixtures.chatLine(customID: "d", model: "gpt-4o"), ending: "\r\n"),
        InputLine(text: " \t "),
        InputLine(text: JobFixtures.embeddingLine(customID: "e")),
        InputLine(text: JobFixtures.responsesLine(customID: "f"), ending: ""),
    ]

    @Test("valid lines become requests; bad lines go to the errors file", arguments: [1, 2, 3, 100])
    func mixedFile(chunkLines: Int) async throws {
        let (path, offsets) = writeInput("mixed.jsonl", Self.mixed, bom: true)
        let job = try await submit(path)
        let errors = try errorsFile(job)
        try Ingestor(chunkLines: chunkLines).run(job: job, store: store, errors: errors)

        let done = try reload(job)
        let validLines = [1, 6, 8, 9]
        #expect(done.counts.requests == validLines.count)
        #expect(done.counts.rejected == 3)
        #expect(done.ingest.done)
        #expect(done.ingest.line == Self.mixed.count)
        let size = try FileFingerprint.compute(path: path)
        #expect(done.ingest.offset == size.size)
        #expect(done.fingerprint.hash == size.hash)

        let requests = try pending(job)
        #expect(requests.map(\.line) == validLines)
        #expect(requests.map(\.customID) == ["a", "d", "e", "f"])
        #expect(requests.map(\.path) == ["chat/completions", "chat/completions", "embeddings", "responses"])
        #expect(requests[1].model == "gpt-4o")
        for request in requests {
            let line = Self.mixed[request.line - 1]
            #expect(request.offset == offsets[request.line - 1])
            #expect(request.length == line.text.utf8.count)
            #expect(request.lineHash == LineHash.of(Array(line.text.utf8)), "the line's bytes, no ending")
        }

        let fileName = (path as NSString).lastPathComponent
        let errorLines = JobFixtures.lines(ofFile: errors.path)
        #expect(errors.length == done.committedOutput.errorsBytes)
        let expected: [(line: Int, code: String, customID: String?)] = [
            (2, LineRejection.invalidJSONLine, nil), (3, LineRejection.missingModel, "c"),
            (5, LineRejection.duplicateCustomID, "a"),
        ]
        try #require(errorLines.count == expected.count)
        for (text, want) in zip(errorLines, expected) {
            let object = try #require(JobFixtures.object(text))
            let error = try #require(object["error"] as? [String: Any])
            let message = try #require(error["message"] as? String)
            #expect(message.hasPrefix("\(fileName) line \(want.line): "))
            #expect(error["code"] as? String == want.code)
            #expect(object["id"] as? String == OutputLine.id(job: job.id, line: want.line))
            #expect(object["response"] is NSNull)
            if let customID = want.customID {
                #expect(object["custom_id"] as? String == customID)
            } else {
                #expect(object["custom_id"] is NSNull)
            }
        }
        #expect(errorLines[2].contains("already used on line 1"))
    }

    @Test("an ingest resumed after a crash adds no duplicate")
    func resume() async throws {
        var lines = (1...8).map {
            InputLine(text: JobFixtures.chatLine(customID: "r\($0)", content: "n\($0)"))
        }
        lines[6] = InputLine(text: JobFixtures.chatLine(customID: "r2", content: "dup"))
        let (path, offsets) = writeInput("resume.jsonl", lines)
        let job = try await submit(path)

        // The state a crash leaves after the first chunk (lines 1-3) was committed.
        let committedLines = 3
        try store.write { tx in
            for line in 1...committedLines {
                _ = try tx.insertRequest(
                    job: job.id,
                    NewRequest(
                        line: line, offset: offsets[line - 1], length: lines[line - 1].text.utf8.count,
                        customID: "r\(line)", path: "chat/completions", model: "gpt-4o-mini"))
            }
            try tx.recordIngest(
                job: job.id,
                progress: IngestProgress(offset: offsets[committedLines], line: committedLines, done: false),
                addedRequests: committedLines, addedRejected: 0, errorsBytes: 0, hash: nil)
        }
        let interrupted = try reload(job)
        try Ingestor(chunkLines: 2).run(job: interrupted, store: store, errors: try errorsFile(interrupted))

        let done = try reload(job)
        let requests = try pending(job)
        #expect(requests.map(\.line) == [1, 2, 3, 4, 5, 6, 8])
        #expect(Set(requests.map(\.customID)).count == requests.count)
        #expect(done.counts.requests == 7)
        #expect(done.counts.rejected == 1)
        #expect(
            done.ingest
                == IngestProgress(
                    offset: offsets.last! + Int64(lines.last!.text.utf8.count + 1), line: 8, done: true))
        #expect(done.fingerprint.hash == (try FileFingerprint.compute(path: path)).hash)
        let errorLines = JobFixtures.lines(ofFile: OutputFiles(input: job.inputPath).errors)
        #expect(errorLines.count == 1)
        #expect(errorLines.first?.contains("resume.jsonl line 7:") == true)
        #expect(errorLines.first?.contains("already used on line 2") == true)
    }

    @Test("a finished ingest is not run again")
    func idempotent() async throws {
        let (path, _) = writeInput("twice.jsonl", [InputLine(text: JobFixtures.chatLine(customID: "x"))])
        let job = try await submit(path)
        try Ingestor().run(job: job, store: store, errors: try errorsFile(job))
        let first = try reload(job)
        try Ingestor().run(job: first, store: store, errors: try errorsFile(first))
        #expect(try reload(job) == first)
        #expect(first.counts.requests == 1)
    }

    @Test("an input changed after submit is refused")
    func modifiedBeforeIngest() async throws {
        let (path, _) = writeInput("changed.jsonl", [InputLine(text: JobFixtures.chatLine(customID: "x"))])
        let job = try await submit(path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((JobFixtures.chatLine(customID: "y") + "\n").utf8))
        try handle.close()
        let error = try #require(throws: BatchdError.self) {
            try Ingestor().run(job: job, store: store, errors: try errorsFile(job))
        }
        #expect(error.code == .inputModified)
        #expect(error.message.contains(job.inputPath))
        #expect(try pending(job).isEmpty)
    }
}
