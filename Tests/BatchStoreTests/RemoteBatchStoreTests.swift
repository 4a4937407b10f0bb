import BatchCore
import Testing

@testable import BatchStore

@Suite("Remote batches in the store")
struct RemoteBatchStoreTests {
    static let now = QueueFixture.now

    static func plan(_ lines: [Int], hash: String = "abc") -> RemoteBatchPlan {
        RemoteBatchPlan(url: "chat/completions", model: "gpt-4o", lines: lines, bytes: 100, contentHash: hash)
    }

    @Test("the intent is recorded with its tag and lines before any remote id")
    func plan() async throws {
        let fixture = try QueueFixture()
        let job = try fixture.jobWithRequests(4)
        let record = try await fixture.store.planRemoteBatch(job: job, Self.plan([1, 2]), now: Self.now)
        #expect(record.step == .planned)
        #expect(record.part == 1)
        #expect(record.tag == "batchd:\(job):1:abc")
        #expect(record.inputFileID == nil && record.batchID == nil)
        #expect(try await fixture.store.remoteBatchLines(job: job, batch: record.id) == [1, 2])
        let second = try await fixture.store.planRemoteBatch(
            job: job, Self.plan([3], hash: "def"), now: Self.now)
        #expect(second.part == 2)
    }

    @Test("a line is in at most one remote batch at a time: an overlapping plan records nothing")
    func conflict() async throws {
        let fixture = try QueueFixture()
        let job = try fixture.jobWithRequests(4)
        let first = try await fixture.store.planRemoteBatch(job: job, Self.plan([1, 2]), now: Self.now)
        await #expect(throws: RemoteBatchConflict(line: 2)) {
            try await fixture.store.planRemoteBatch(job: job, Self.plan([3, 2], hash: "x"), now: Self.now)
        }
        #expect(try await fixture.store.remoteBatches(job: job).map(\.id) == [first.id])
        // Line 3 was not kept by the refused plan.
        let later = try await fixture.store.planRemoteBatch(
            job: job, Self.plan([3], hash: "y"), now: Self.now)
        #expect(try await fixture.store.remoteBatchLines(job: job, batch: later.id) == [3])
    }

    @Test("steps are recorded in order and never go back; a final status ends the batch")
    func steps() async throws {
        let fixture = try QueueFixture()
        let job = try fixture.jobWithRequests(2)
        let store = fixture.store
        let record = try await store.planRemoteBatch(job: job, Self.plan([1, 2]), now: Self.now)
        try await store.recordUpload(batch: record.id, fileID: "file-1", now: Self.now)
        try await store.recordCreated(batch: record.id, batchID: "batch_1", now: Self.now)
        try await store.recordRemoteStatus(
            batch: record.id, RemoteBatchStatus(status: "in_progress", total: 2), now: Self.now)
        var current = try #require(try await store.remoteBatches(job: job).first)
        #expect(current.step == .created)
        #expect(current.remote?.status == "in_progress")
        await #expect(throws: RemoteBatchStepBackwards.self) {
            try await store.recordUpload(batch: record.id, fileID: "file-2", now: Self.now)
        }
        try await store.recordRemoteStatus(
            batch: record.id,
            RemoteBatchStatus(status: "expired", total: 2, completed: 1, outputFileID: "file-out"),
            now: Self.now)
        current = try #require(try await store.remoteBatches(job: job).first)
        #expect(current.step == .ended)
        #expect(current.inputFileID == "file-1" && current.batchID == "batch_1")
        #expect(
            current.remote
                == RemoteBatchStatus(status: "expired", total: 2, completed: 1, outputFileID: "file-out"))
    }

    @Test("finishing releases the lines still pending, so a new batch may take them")
    func finishReleases() async throws {
        let fixture = try QueueFixture()
        let job = try fixture.jobWithRequests(3)
        let store = fixture.store
        let record = try await store.planRemoteBatch(job: job, Self.plan([1, 2, 3]), now: Self.now)
        try store.write { tx in
            try tx.recordOutcomes(
                job: job, [RequestOutcome(line: 1, state: .succeeded, attempts: 1, lastError: nil)])
        }
        #expect(try await store.finishRemoteBatch(batch: record.id, now: Self.now) == 2)
        #expect(try await store.remoteBatches(job: job).first?.step == .recorded)
        // The line it answered stays its own; the released ones are in no batch.
        #expect(try await store.remoteBatchLines(job: job, batch: record.id) == [1])
        await #expect(throws: RemoteBatchConflict(line: 1)) {
            try await store.planRemoteBatch(job: job, Self.plan([1, 2]), now: Self.now)
        }
        let again = try await store.planRemoteBatch(job: job, Self.plan([2, 3], hash: "z"), now: Self.now)
        #expect(try await store.remoteBatchLines(job: job, batch: again.id) == [2, 3])
    }
}

@Suite("Remote batches and the live path")
struct RemoteBatchLivePathTests {
    @Test("lines in a remote batch are not pending for the live path until released")
    func liveSkipsRemoteLines() async throws {
        let fixture = try QueueFixture()
        let job = try fixture.jobWithRequests(3)
        let store = fixture.store
        let record = try await store.planRemoteBatch(
            job: job, RemoteBatchStoreTests.plan([1, 3]), now: QueueFixture.now)
        #expect(try await store.pendingPage(job: job, after: 0, limit: 10).map(\.line) == [2])
        #expect(
            try await store.remoteBatchPending(job: job, batch: record.id).map(\.customID) == [
                "req-1", "req-3",
            ])
        _ = try await store.finishRemoteBatch(batch: record.id, now: QueueFixture.now)
        #expect(try await store.pendingPage(job: job, after: 0, limit: 10).map(\.line) == [1, 2, 3])
    }
}
