import BatchCore
import BatchTesting
import Testing

@testable import BatchStore

@Suite("queue: forgetting and finding jobs")
struct QueueForgetTests {
    let fixture: QueueFixture

    init() throws { fixture = try QueueFixture() }

    func count(_ sql: String) throws -> Int {
        try fixture.store.read { tx in
            let statement = try tx.connection.statement(sql)
            _ = try statement.step()
            return statement.int(0)
        }
    }

    @Test("rm deletes the job with its requests and usage; a job a live process runs is refused")
    func forget() async throws {
        let id = try fixture.jobWithRequests(3)
        let now = QueueFixture.now
        _ = try await fixture.store.claim(
            job: id, by: RunOwner(pid: 77, token: "t"), now: now, lease: .seconds(30), isAlive: { _ in true })
        #expect(
            try await fixture.store.forget(job: id, now: now, isAlive: { _ in true }) == .running(pid: 77))
        #expect(try count("SELECT count(*) FROM requests") == 3)

        guard
            case .forgotten(let job) = try await fixture.store.forget(
                job: id, now: now, isAlive: { _ in false })
        else {
            Issue.record("expected forgotten")
            return
        }
        #expect(job.id == id)
        #expect(try count("SELECT count(*) FROM jobs") == 0)
        #expect(try count("SELECT count(*) FROM requests") == 0, "the requests go with the job")
        #expect(try await fixture.store.forget(job: id, now: now, isAlive: { _ in false }) == .notFound)
    }

    @Test("list filters by state and creation time; clean finds ended jobs finished before the cutoff")
    func filters() async throws {
        let store = fixture.store
        let old = try fixture.jobWithRequests(1)
        let new = try fixture.jobWithRequests(1)
        try store.write { tx in
            try tx.setState(job: old, .completed, now: Timestamp(milliseconds: 1_000))
            try tx.connection.statement("UPDATE jobs SET created_at = 500 WHERE id = ?").bind(old).run()
        }
        #expect(try await store.jobs(limit: 10, states: [.completed], since: nil).map(\.id) == [old])
        #expect(
            try await store.jobs(limit: 10, states: [.queued, .completed], since: nil).map(\.id) == [
                new, old,
            ])
        #expect(
            try await store.jobs(limit: 10, states: nil, since: Timestamp(milliseconds: 600)).map(\.id) == [
                new
            ])
        #expect(try await store.finishedJobs(before: Timestamp(milliseconds: 999)).isEmpty)
        #expect(try await store.finishedJobs(before: Timestamp(milliseconds: 1_001)).map(\.id) == [old])
        let forgotten = try await store.forgetFinished([old, new], before: Timestamp(milliseconds: 1_001))
        #expect(forgotten.map(\.id) == [old], "a queued job is never forgotten by clean")
        #expect(try await store.jobs(limit: 10, states: nil, since: nil).map(\.id) == [new])
    }
}
