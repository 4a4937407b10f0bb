import BatchCore
import BatchTesting
import Testing

@testable import BatchStore

/// The `2026-12-04-timing-stats` migration's `run_stats` table through its facade: one document per job, replaced whole,
/// gone with its job.
@Suite("Store: run statistics")
struct RunStatsStoreTests {
    let fixture: QueueFixture

    init() throws { fixture = try QueueFixture() }

    @Test("a job has no statistics until saved; a save replaces the last one")
    func saveReplaces() async throws {
        let job = try fixture.jobWithRequests(1)
        #expect(try await fixture.store.runStats(job: job) == nil)
        try await fixture.store.saveRunStats(job: job, stats: #"{"a":1}"#)
        try await fixture.store.saveRunStats(job: job, stats: #"{"a":2}"#)
        #expect(try await fixture.store.runStats(job: job) == #"{"a":2}"#)
        let rows = try fixture.store.read { tx in
            let statement = try tx.connection.statement("SELECT count(*) FROM run_stats")
            _ = try statement.step()
            return statement.int(0)
        }
        #expect(rows == 1)
    }

    @Test("the statistics of a job that is deleted go with it")
    func deletedWithJob() async throws {
        let job = try fixture.jobWithRequests(1)
        try await fixture.store.saveRunStats(job: job, stats: "{}")
        try fixture.store.write { tx in
            try tx.connection.statement("DELETE FROM jobs WHERE id = ?").bind(job).run()
        }
        #expect(try await fixture.store.runStats(job: job) == nil)
    }
}
