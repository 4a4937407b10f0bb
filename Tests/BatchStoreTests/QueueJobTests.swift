import BatchCore
import Testing

@testable import BatchStore

@Suite("Queue: jobs and requests")
struct QueueJobTests {
    let fixture: QueueFixture
    var store: Store { fixture.store }

    init() throws { fixture = try QueueFixture() }

    @Test("insertJob and job round-trip every field")
    func jobRoundTrip() throws {
        let new = NewJob(
            inputPath: "/data/nightly.jsonl", endpoint: "azure-east", priority: 5,
            settings: JobSettings(concurrency: 3, maxAttempts: 2, requestTimeoutSeconds: 1.5),
            fingerprint: InputFingerprint(size: 1_234, modificationNanoseconds: 987_654_321, hash: nil),
            createdAt: Timestamp(milliseconds: 42_000))
        let id = try store.write { try $0.insertJob(new) }
        let job = try #require(try store.read { try $0.job(id) })
        #expect(job.id == id)
        #expect(job.inputPath == new.inputPath)
        #expect(job.endpoint == new.endpoint)
        #expect(job.priority == new.priority)
        // The settings come back with the job's endpoint and priority, which have columns of their own.
        #expect(
            job.settings
                == JobSettings(
                    endpoint: "azure-east", priority: 5, concurrency: 3, maxAttempts: 2,
                    requestTimeoutSeconds: 1.5))
        #expect(job.fingerprint == new.fingerprint)
        #expect(job.createdAt == new.createdAt)
        #expect(job.state == .queued)
        #expect(job.stateCode == nil && job.stateReason == nil)
        #expect(job.startedAt == nil && job.finishedAt == nil)
        #expect(job.runMilliseconds == 0)
        #expect(job.ingest == IngestProgress(offset: 0, line: 0, done: false))
        #expect(job.committedOutput == CommittedOutput(resultsBytes: 0, errorsBytes: 0))
        #expect(job.counts == JobCounts())
        #expect(job.owner == nil)
        #expect(try store.read { try $0.job(id + 1) } == nil)
    }

    @Test("recordInputTouched sets the input's time only under the recorded content hash")
    func inputTouched() async throws {
        let id = try fixture.jobWithRequests(1)
        let hash: UInt64 = 0xF00D_0000_0000_0001  // the top bit set: stored as a negative INTEGER
        try store.write { tx in
            try tx.recordIngest(
                job: id, progress: IngestProgress(offset: 100, line: 1, done: true), addedRequests: 0,
                addedRejected: 0, errorsBytes: 0, hash: hash)
        }
        let other = try await store.recordInputTouched(job: id, modificationNanoseconds: 99, hash: hash + 1)
        #expect(other.fingerprint.modificationNanoseconds == 5, "another content: nothing recorded")
        let touched = try await store.recordInputTouched(job: id, modificationNanoseconds: 99, hash: hash)
        #expect(touched.fingerprint == InputFingerprint(size: 100, modificationNanoseconds: 99, hash: hash))
        #expect(try store.read { try $0.job(id) }?.fingerprint == touched.fingerprint)
    }

    @Test("jobs are listed newest first; latestJob finds a file's newest job")
    func listing() throws {
        let ids = try store.write { tx in
            try [
                tx.insertJob(QueueFixture.newJob(input: "/a.jsonl")),
                tx.insertJob(QueueFixture.newJob(input: "/b.jsonl")),
                tx.insertJob(QueueFixture.newJob(input: "/a.jsonl")),
            ]
        }
        #expect(try store.read { try $0.jobs() }.map(\.id) == ids.reversed())
        #expect(try store.read { try $0.jobs(limit: 2) }.map(\.id) == [ids[2], ids[1]])
        #expect(try store.read { try $0.latestJob(forInput: "/a.jsonl") }?.id == ids[2])
        #expect(try store.read { try $0.latestJob(forInput: "/c.jsonl") } == nil)
    }

    @Test("a duplicate custom_id is not recorded")
    func duplicateCustomID() throws {
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        let first = try store.write {
            try $0.insertRequest(job: id, QueueFixture.request(line: 1, customID: "x"))
        }
        let second = try store.write {
            try $0.insertRequest(job: id, QueueFixture.request(line: 2, customID: "x"))
        }
        let other = try store.write {
            try $0.insertRequest(job: id, QueueFixture.request(line: 3, customID: "y"))
        }
        #expect(first && !second && other)
        #expect(try store.read { try $0.line(ofCustomID: "x", job: id) } == 1)
        #expect(try store.read { try $0.line(ofCustomID: "z", job: id) } == nil)
        #expect(
            try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 10) }.map(\.line) == [1, 3])
    }

    @Test("the same custom_id may be used by two jobs")
    func customIDPerJob() throws {
        let inserted = try store.write { tx in
            let a = try tx.insertJob(QueueFixture.newJob())
            let b = try tx.insertJob(QueueFixture.newJob())
            return try [
                tx.insertRequest(job: a, QueueFixture.request(line: 1, customID: "same")),
                tx.insertRequest(job: b, QueueFixture.request(line: 1, customID: "same")),
            ]
        }
        #expect(inserted == [true, true])
    }

    @Test("pendingRequests pages in line order and skips recorded requests")
    func paging() throws {
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        try store.write { tx in
            for line in [5, 1, 7, 3, 2, 6, 4] {
                _ = try tx.insertRequest(
                    job: id, QueueFixture.request(line: line, model: line.isMultiple(of: 2) ? "even" : "odd"))
            }
            try tx.recordIngest(
                job: id, progress: IngestProgress(offset: 800, line: 7, done: true), addedRequests: 7,
                addedRejected: 0,
                errorsBytes: 0, hash: nil)
            try tx.recordOutcome(job: id, line: 2, state: .succeeded, attempts: 1, lastError: nil)
            try tx.recordOutcome(job: id, line: 5, state: .failed, attempts: 3, lastError: "http_400")
        }
        let page1 = try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 3) }
        #expect(page1.map(\.line) == [1, 3, 4])
        let page2 = try store.read { try $0.pendingRequests(job: id, afterLine: page1.last!.line, limit: 3) }
        #expect(page2.map(\.line) == [6, 7])
        #expect(try store.read { try $0.pendingRequests(job: id, afterLine: 7, limit: 3) }.isEmpty)
        let expected = QueueFixture.request(line: 3, model: "odd")
        #expect(
            page1[1]
                == PendingRequest(
                    line: 3, offset: expected.offset, length: expected.length, customID: expected.customID,
                    path: expected.path, model: "odd", attempts: 0, nextAttemptAt: Timestamp(milliseconds: 0))
        )
        #expect(Set(try store.read { try $0.models(job: id) }) == ["odd", "even"])
    }

    @Test("recordRetry sets attempts and the next attempt time")
    func retry() throws {
        let id = try fixture.jobWithRequests(2)
        try store.write {
            try $0.recordRetry(
                job: id, line: 2, attempts: 3, nextAttemptAt: Timestamp(milliseconds: 9_000),
                lastError: "http_503")
        }
        let pending = try store.read { try $0.pendingRequests(job: id, afterLine: 0, limit: 10) }
        #expect(pending.map(\.attempts) == [0, 3])
        #expect(pending[1].nextAttemptAt == Timestamp(milliseconds: 9_000))
    }

    @Test("recordIngest accumulates counts and keeps a hash with the high bit set")
    func ingestProgress() throws {
        let id = try store.write { try $0.insertJob(QueueFixture.newJob()) }
        let hash: UInt64 = 0xFEDC_BA98_7654_3210
        try store.write {
            try $0.recordIngest(
                job: id, progress: IngestProgress(offset: 50, line: 3, done: false), addedRequests: 2,
                addedRejected: 1,
                errorsBytes: 120, hash: nil)
            try $0.recordIngest(
                job: id, progress: IngestProgress(offset: 90, line: 6, done: true), addedRequests: 3,
                addedRejected: 0,
                errorsBytes: 130, hash: hash)
        }
        var job = try #require(try store.read { try $0.job(id) })
        #expect(job.ingest == IngestProgress(offset: 90, line: 6, done: true))
        #expect(job.counts.requests == 5 && job.counts.rejected == 1)
        #expect(job.committedOutput.errorsBytes == 130)
        #expect(job.fingerprint.hash == hash)
        try store.write {
            try $0.recordIngest(
                job: id, progress: job.ingest, addedRequests: 0, addedRejected: 0, errorsBytes: 130, hash: nil
            )
        }
        job = try #require(try store.read { try $0.job(id) })
        #expect(job.fingerprint.hash == hash)
    }

    @Test("recordProgress adds to the counters and sets the committed lengths")
    func progress() throws {
        let id = try fixture.jobWithRequests(10)
        let delta = JobCounts(succeeded: 2, failed: 1, attempts: 5, throttled: 1)
        try store.write {
            try $0.recordProgress(
                job: id, output: CommittedOutput(resultsBytes: 300, errorsBytes: 40), delta: delta)
        }
        try store.write {
            try $0.recordProgress(
                job: id, output: CommittedOutput(resultsBytes: 700, errorsBytes: 90), delta: delta)
        }
        let job = try #require(try store.read { try $0.job(id) })
        #expect(job.committedOutput == CommittedOutput(resultsBytes: 700, errorsBytes: 90))
        #expect(job.counts == JobCounts(requests: 10, succeeded: 4, failed: 2, attempts: 10, throttled: 2))
        #expect(job.counts.pending == 4)
    }

    @Test("more outcomes than requests violate the counters' CHECK")
    func progressBeyondTotal() throws {
        let id = try fixture.jobWithRequests(1)
        #expect(throws: SQLiteError.self) {
            try store.write {
                try $0.recordProgress(
                    job: id, output: CommittedOutput(resultsBytes: 1, errorsBytes: 0),
                    delta: JobCounts(succeeded: 2))
            }
        }
        #expect(try store.read { try $0.job(id) }?.counts.succeeded == 0)
    }

    @Test("usage is summed per model, ordered by model")
    func usage() throws {
        let id = try fixture.jobWithRequests(1)
        try store.write { tx in
            try tx.addUsage(
                job: id, model: "m-b", requests: 1,
                usage: TokenUsage(promptTokens: 1, completionTokens: 2, totalTokens: 3))
            try tx.addUsage(
                job: id, model: "m-a", requests: 2,
                usage: TokenUsage(promptTokens: 10, completionTokens: 0, totalTokens: 10))
            try tx.addUsage(
                job: id, model: "m-b", requests: 4,
                usage: TokenUsage(promptTokens: 5, completionTokens: 6, totalTokens: 11))
        }
        #expect(
            try store.read { try $0.usage(job: id) } == [
                ModelUsage(
                    model: "m-a", requests: 2,
                    usage: TokenUsage(promptTokens: 10, completionTokens: 0, totalTokens: 10)),
                ModelUsage(
                    model: "m-b", requests: 5,
                    usage: TokenUsage(promptTokens: 6, completionTokens: 8, totalTokens: 14)),
            ])
        #expect(try store.read { try $0.usage(job: id + 1) }.isEmpty)
    }

    @Test("setState to a final state sets finished_at; runnableJobs orders by priority")
    func states() throws {
        let (low, high, done) = try store.write { tx in
            var highJob = QueueFixture.newJob()
            highJob.priority = 9
            return (
                try tx.insertJob(QueueFixture.newJob()), try tx.insertJob(highJob),
                try tx.insertJob(QueueFixture.newJob())
            )
        }
        try store.write { try $0.setState(job: done, .completed, now: Timestamp(milliseconds: 77)) }
        #expect(try store.read { try $0.job(done) }?.finishedAt == Timestamp(milliseconds: 77))
        #expect(try store.read { try $0.runnableJobs(limit: 10) }.map(\.id) == [high, low])
        try store.write { try $0.addRunTime(job: low, milliseconds: 250) }
        try store.write { try $0.addRunTime(job: low, milliseconds: -5) }
        #expect(try store.read { try $0.job(low) }?.runMilliseconds == 250)
    }
}
