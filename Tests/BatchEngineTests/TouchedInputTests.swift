import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import Foundation
import Testing

/// A completed file touched (new mtime, same bytes) is the same job; changed bytes are a new job.
@Suite("Submitter: a touched file is not a new job")
struct TouchedInputTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    /// Runs `job` to completion with answers that all succeed.
    private func complete(_ job: JobRecord) async throws -> JobRecord {
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        guard case .completed(let done) = try await fixture.runner(job, transport).run() else {
            Issue.record("expected the job to complete")
            throw CancellationError()
        }
        return done
    }

    private func findOrSubmit(_ path: String) async throws -> JobRecord {
        try await Submitter(store: fixture.store, clock: fixture.clock).findOrSubmit(
            path: path, forceNew: false)
    }

    @Test("batchctl run's lookup: a touched completed file is its completed job, its new mtime recorded")
    func touchedCompletedFile() async throws {
        let path = fixture.writeInput(customIDs: ["a1", "a2"])
        let done = try await complete(try await fixture.submit(path))
        let touched = done.fingerprint.modificationNanoseconds + 1_000_000_000
        InputFiles.setModificationTime(path, nanoseconds: touched)

        let found = try await findOrSubmit(path)
        #expect(found.id == done.id)
        #expect(found.state == .completed)
        #expect(found.fingerprint.modificationNanoseconds == touched)
        #expect(try fixture.job(done.id)?.fingerprint.modificationNanoseconds == touched)
        #expect(try await fixture.store.jobs(limit: 10).count == 1)
    }

    @Test("batchctl run's lookup: a completed file changed at the same size is a new job")
    func changedCompletedFile() async throws {
        let path = fixture.writeInput(customIDs: ["b1", "b2"])
        let done = try await complete(try await fixture.submit(path))
        try InputFiles.replace("content of b1", with: "content of B1", in: path)
        InputFiles.setModificationTime(
            path, nanoseconds: done.fingerprint.modificationNanoseconds + 1_000_000_000)

        let found = try await findOrSubmit(path)
        #expect(found.id != done.id)
        #expect(found.state == .queued)
        #expect(try fixture.job(done.id)?.fingerprint == done.fingerprint, "the old job is left as it was")
    }
}
