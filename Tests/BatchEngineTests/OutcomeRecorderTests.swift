import BatchCore
import BatchEngine
import BatchTesting
import Foundation
import Testing

@testable import BatchStore

@Suite("OutcomeRecorder")
struct OutcomeRecorderTests {
    let directory: TemporaryDirectory
    let store: Store
    let job: Int64
    static let now = Timestamp(milliseconds: 1_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        store = try Store(path: directory.path("batchd.sqlite"))
        job = try store.write { tx in
            let id = try tx.insertJob(
                NewJob(
                    inputPath: "/data/in.jsonl", endpoint: "default",
                    fingerprint: InputFingerprint(size: 100, modificationNanoseconds: 1, hash: nil),
                    createdAt: Self.now))
            for line in 1...3 {
                _ = try tx.insertRequest(
                    job: id,
                    NewRequest(
                        line: line, offset: Int64(line * 10), length: 9, customID: "c\(line)",
                        path: "chat/completions", model: "m"))
            }
            try tx.recordIngest(
                job: id, progress: IngestProgress(offset: 30, line: 3, done: true), addedRequests: 3,
                addedRejected: 0, errorsBytes: 0, hash: nil)
            return id
        }
    }

    func recorder() throws -> OutcomeRecorder {
        OutcomeRecorder(
            store: store, jobID: job,
            results: try OutputFile(path: directory.path("in.results.jsonl"), committedLength: 0),
            errors: try OutputFile(path: directory.path("in.errors.jsonl"), committedLength: 0))
    }

    /// (state, attempts, last_error) of each request, read with SQL of its own.
    func rows() throws -> [(state: Int, attempts: Int, lastError: String?)] {
        let connection = try SQLiteConnection(path: directory.path("batchd.sqlite"))
        let statement = try connection.statement(
            "SELECT state, attempts, last_error FROM requests WHERE job_id = ? ORDER BY line")
        try statement.bind(job, at: 1)
        var rows: [(Int, Int, String?)] = []
        while try statement.step() {
            rows.append((statement.int(0), statement.int(1), statement.optionalString(2)))
        }
        return rows
    }

    @Test("a line retried and then finished in one flush keeps its outcome's attempts and error")
    func retryThenFinishInOneFlush() throws {
        let recorder = try recorder()
        recorder.retry(line: 1, attempts: 1, nextAttemptAt: Self.now, code: "http_429", now: Self.now)
        recorder.retry(line: 2, attempts: 1, nextAttemptAt: Self.now, code: "http_503", now: Self.now)
        recorder.finish(
            line: 1, succeeded: true, attempts: 2, lastError: nil, model: "m", usage: nil,
            output: Array("{\"custom_id\":\"c1\"}\n".utf8), now: Self.now)
        recorder.finish(
            line: 3, succeeded: false, attempts: 1, lastError: "http_400", model: "m", usage: nil,
            output: Array("{\"custom_id\":\"c3\"}\n".utf8), now: Self.now)
        try recorder.flush()

        let rows = try rows()
        #expect(rows.map(\.state) == [1, 0, 2])
        #expect(rows.map(\.attempts) == [2, 1, 1])
        #expect(rows.map(\.lastError) == [nil, "http_503", "http_400"])
        let job = try #require(try store.read { try $0.job(self.job) })
        #expect(job.counts.succeeded == 1)
        #expect(job.counts.failed == 1)
        #expect(job.committedOutput.resultsBytes == Int64("{\"custom_id\":\"c1\"}\n".utf8.count))
        #expect(
            try String(contentsOfFile: directory.path("in.errors.jsonl"), encoding: .utf8)
                == "{\"custom_id\":\"c3\"}\n")
    }
}
