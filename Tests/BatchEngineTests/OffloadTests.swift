import BatchCore
import Testing

@testable import BatchEngine
@testable import BatchStore

@Suite("Offload to the Batch API: pure parts")
struct OffloadTests {
    static func record(_ step: RemoteBatchStep, batchID: String? = nil, file: String? = nil)
        -> RemoteBatchRecord
    {
        RemoteBatchRecord(
            id: 1, job: 7, part: 1, url: "chat/completions", model: "m", tag: "batchd:7:1:ab", lines: 2,
            bytes: 10,
            step: step, inputFileID: file, batchID: batchID, remote: nil)
    }

    @Test("resumed after a crash between create and record, it looks for the tag and never creates twice")
    func resumeFindsTag() {
        var machine = RemoteBatchMachine(
            record: Self.record(.uploaded, file: "f1"), pollInterval: .seconds(60))
        #expect(machine.firstAction == .findByTag("batchd:7:1:ab"))
        #expect(machine.handle(.found(batchID: "b1")) == .poll(batchID: "b1", wait: .zero))
        // Found nothing: it looks once more after a settle (a create the crashed process had in
        // flight may still be completing), and creates only if that finds nothing either.
        var fresh = RemoteBatchMachine(record: Self.record(.uploaded, file: "f1"), pollInterval: .seconds(60))
        #expect(fresh.handle(.found(batchID: nil)) == .settleThenFind("batchd:7:1:ab", wait: .seconds(60)))
        #expect(fresh.handle(.found(batchID: nil)) == .create(inputFileID: "f1", tag: "batchd:7:1:ab"))
        var late = RemoteBatchMachine(record: Self.record(.uploaded, file: "f1"), pollInterval: .seconds(1))
        #expect(late.handle(.found(batchID: nil)) == .settleThenFind("batchd:7:1:ab", wait: .seconds(2)))
        #expect(late.handle(.found(batchID: "b9")) == .poll(batchID: "b9", wait: .zero))
    }

    @Test("a whole life: upload, search, create, poll until final, record, delete the files")
    func lifecycle() {
        var machine = RemoteBatchMachine(record: Self.record(.planned), pollInterval: .seconds(60))
        #expect(machine.firstAction == .upload)
        #expect(machine.handle(.uploaded(fileID: "f1")) == .findByTag("batchd:7:1:ab"))
        #expect(machine.handle(.found(batchID: nil)) == .create(inputFileID: "f1", tag: "batchd:7:1:ab"))
        #expect(machine.handle(.created(batchID: "b1")) == .poll(batchID: "b1", wait: .zero))
        #expect(
            machine.handle(.polled(.init(status: "in_progress"))) == .poll(batchID: "b1", wait: .seconds(60)))
        let done = RemoteBatchStatus(
            status: "completed", total: 2, completed: 2, outputFileID: "o1", errorFileID: nil)
        #expect(machine.handle(.polled(done)) == .record(outputFileID: "o1", errorFileID: nil))
        #expect(machine.handle(.recorded) == .delete(fileIDs: ["f1", "o1"]))
        #expect(machine.handle(.cleanedUp) == .done)
    }

    @Test("failed polls back off, doubling, capped, and never under Retry-After")
    func pollBackoff() {
        var machine = RemoteBatchMachine(
            record: Self.record(.created, batchID: "b"), pollInterval: .seconds(10))
        #expect(machine.firstAction == .poll(batchID: "b", wait: .zero))
        #expect(machine.handle(.pollFailed(retryAfter: nil)) == .poll(batchID: "b", wait: .seconds(20)))
        #expect(
            machine.handle(.pollFailed(retryAfter: .seconds(300))) == .poll(batchID: "b", wait: .seconds(300))
        )
        for _ in 0..<10 { _ = machine.handle(.pollFailed(retryAfter: nil)) }
        #expect(machine.handle(.pollFailed(retryAfter: nil)) == .poll(batchID: "b", wait: .seconds(900)))
        #expect(
            machine.handle(.polled(.init(status: "validating"))) == .poll(batchID: "b", wait: .seconds(10)))
    }

    @Test("kept remote files are not deleted")
    func keepFiles() {
        var machine = RemoteBatchMachine(
            record: Self.record(.ended, batchID: "b", file: "f"), pollInterval: .seconds(1),
            keepRemoteFiles: true)
        #expect(machine.handle(.recorded) == .done)
    }

    @Test("the splitter keeps one part per (operation, model) under every cap")
    func splitter() {
        var splitter = BatchSplitter(caps: BatchCaps(lines: 2, bytes: 100, embeddingInputs: 5))
        #expect(
            splitter.add(line: 1, path: .chatCompletions, model: "a", uploadBytes: 9) == .added(sealed: nil))
        #expect(
            splitter.add(line: 2, path: .embeddings, model: "e", uploadBytes: 9, embeddingInputs: 4)
                == .added(sealed: nil))
        #expect(
            splitter.add(line: 3, path: .chatCompletions, model: "a", uploadBytes: 9) == .added(sealed: nil))
        // Third chat line: over the line cap.
        let sealed = BatchPart(
            path: .chatCompletions, model: "a", lines: [1, 3], bytes: 20, embeddingInputs: 0)
        #expect(
            splitter.add(line: 4, path: .chatCompletions, model: "a", uploadBytes: 9)
                == .added(sealed: sealed))
        // Embedding inputs over their cap.
        let embeddings = BatchPart(path: .embeddings, model: "e", lines: [2], bytes: 10, embeddingInputs: 4)
        #expect(
            splitter.add(line: 5, path: .embeddings, model: "e", uploadBytes: 9, embeddingInputs: 2)
                == .added(sealed: embeddings))
        // Bytes: 60 + 50 > 100.
        #expect(
            splitter.add(line: 6, path: .chatCompletions, model: "b", uploadBytes: 59) == .added(sealed: nil))
        #expect(
            splitter.add(line: 7, path: .chatCompletions, model: "b", uploadBytes: 49)
                == .added(
                    sealed: BatchPart(
                        path: .chatCompletions, model: "b", lines: [6], bytes: 60, embeddingInputs: 0)))
        #expect(splitter.add(line: 8, path: .chatCompletions, model: "b", uploadBytes: 100) == .live)
        let rest = splitter.finish()
        #expect(rest.map(\.lines) == [[4], [5], [7]])
    }

    @Test("the upload line copies custom_id and body, rewrites the url, drops BOM and CR")
    func uploadLine() throws {
        let input = Array(
            "\u{FEFF}{\"body\": {\"model\":\"m\", \"messages\":[]}, \"url\":\"/v1/chat/completions\", \"custom_id\":\"a\\u0062\", \"method\":\"POST\"}\r"
                .utf8)
        let built = try UploadLine.build(input, url: "/chat/completions")
        #expect(
            String(decoding: built, as: UTF8.self)
                == "{\"custom_id\":\"a\\u0062\",\"method\":\"POST\",\"url\":\"/chat/completions\",\"body\":{\"model\":\"m\", \"messages\":[]}}"
        )
        #expect(throws: UploadLine.Problem.self) { try UploadLine.build(Array("[1]".utf8), url: "/x") }
    }
}
