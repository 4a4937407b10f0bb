import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Foundation
import Testing

// `timespec` comes through whichever C module claimed <time.h> first in this build.
#if canImport(Glibc)
    import Glibc
#endif
#if canImport(CoreFoundation)
    import CoreFoundation
#endif

/// Inputs edited in place, or only touched, under a job: only the content decides.
@Suite("JobRunner: inputs edited or touched under a job")
struct InputEditTests {
    let fixture: RunnerFixture

    init() throws { fixture = try RunnerFixture() }

    private func paused(_ outcome: JobRunOutcome) throws -> JobRecord {
        guard case .paused(let job) = outcome else {
            Issue.record("expected paused, got \(outcome)")
            throw CancellationError()
        }
        return job
    }

    private func completed(_ outcome: JobRunOutcome) throws -> JobRecord {
        guard case .completed(let job) = outcome else {
            Issue.record("expected completed, got \(outcome)")
            throw CancellationError()
        }
        return job
    }

    /// Runs `job` until its first answer, which is out of quota: the job is ingested and paused.
    private func ingestAndPause(_ job: JobRecord) async throws {
        _ = try paused(
            try await fixture.runner(job, ScriptedTransport { _, _ in RunnerFixture.insufficientQuota }).run()
        )
    }

    @Test("a line edited in place while the job runs (size and mtime kept) pauses it before it is sent")
    func lineEditedInPlace() async throws {
        let path = fixture.writeInput(customIDs: ["e1", "e2", "e3"])
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        let transport = ScriptedTransport { request, index in
            if index == 0 {
                // One letter of line 2's prompt, in place; size and modification time restored.
                let before = try FileFingerprint.stat(path: path)
                try InputFiles.replace("content of e2", with: "content of E2", in: path)
                InputFiles.setModificationTime(path, nanoseconds: before.mtimeNanoseconds)
                #expect(try FileFingerprint.stat(path: path) == before)
            }
            return RunnerFixture.ok(request)
        }
        let stopped = try paused(try await fixture.runner(job, transport).run())
        #expect(stopped.stateCode == .inputModified)
        #expect(stopped.stateReason?.contains("line 2") == true)
        #expect(transport.requests.map(RunnerFixture.content(of:)) == ["content of e1"])
        #expect(stopped.counts.succeeded == 1)
        #expect(stopped.counts.pending == 2)
        #expect(try fixture.pending(job.id).map(\.customID) == ["e2", "e3"])
    }

    @Test("a paused job whose input was only touched resumes and completes; its new mtime is recorded")
    func touchedBetweenRuns() async throws {
        let ids = ["t1", "t2", "t3"]
        let path = fixture.writeInput(customIDs: ids)
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        try await ingestAndPause(job)
        let touched = job.fingerprint.modificationNanoseconds + 1_000_000_000
        InputFiles.setModificationTime(path, nanoseconds: touched)

        _ = try await Submitter(store: fixture.store).findOrSubmit(
            path: path, forceNew: false)
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let done = try completed(try await fixture.runner(job, transport).run())
        #expect(transport.requests.count == ids.count)
        #expect(done.counts.succeeded == ids.count)
        #expect(done.fingerprint.modificationNanoseconds == touched)
    }

    @Test("a paused job whose input changed at the same size, with a new mtime, stays paused")
    func changedBetweenRuns() async throws {
        let path = fixture.writeInput(customIDs: ["c1", "c2"])
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        try await ingestAndPause(job)
        try InputFiles.replace("content of c2", with: "content of C2", in: path)
        InputFiles.setModificationTime(
            path, nanoseconds: job.fingerprint.modificationNanoseconds + 1_000_000_000)

        _ = try await Submitter(store: fixture.store).findOrSubmit(
            path: path, forceNew: false)
        let transport = ScriptedTransport { request, _ in RunnerFixture.ok(request) }
        let stopped = try paused(try await fixture.runner(job, transport).run())
        #expect(stopped.stateCode == .inputModified)
        #expect(transport.requests.isEmpty)
    }

    @Test("a touch while the job runs does not stop it: the lease renewal's check hashes the file")
    func touchedWhileSending() async throws {
        let ids = ["w1", "w2", "w3"]
        let path = fixture.writeInput(customIDs: ids)
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        let clock = fixture.clock
        let touched = job.fingerprint.modificationNanoseconds + 1_000_000_000
        let transport = ScriptedTransport { request, index in
            if index == 0 {
                InputFiles.setModificationTime(path, nanoseconds: touched)
                clock.advance(by: .seconds(10))  // a third of the lease: the next pass renews it
            }
            return RunnerFixture.ok(request)
        }
        let done = try completed(try await fixture.runner(job, transport).run())
        #expect(transport.requests.count == ids.count)
        #expect(done.counts.succeeded == ids.count)
        #expect(done.fingerprint.modificationNanoseconds == touched)
    }

    @Test("a change with a new mtime while the job runs still stops it at the lease renewal")
    func changedWhileSending() async throws {
        let path = fixture.writeInput(customIDs: ["x1", "x2", "x3"])
        let job = try await fixture.submit(path, options: JobSettings(concurrency: 1))
        let clock = fixture.clock
        let transport = ScriptedTransport { request, index in
            if index == 0 {
                // Line 3 changes; line 2, sent next, does not: the renewal's hash must catch it.
                try InputFiles.replace("content of x3", with: "content of X3", in: path)
                InputFiles.setModificationTime(
                    path, nanoseconds: job.fingerprint.modificationNanoseconds + 1_000_000_000)
                clock.advance(by: .seconds(10))
            }
            return RunnerFixture.ok(request)
        }
        let stopped = try paused(try await fixture.runner(job, transport).run())
        #expect(stopped.stateCode == .inputModified)
        #expect(!transport.requests.contains { RunnerFixture.content(of: $0) == "content of X3" })
        #expect(stopped.counts.pending >= 1)
    }
}

/// Edits of input files that keep their size, and their modification times.
enum InputFiles {
    /// Overwrites the first occurrence of `old` with `new` (same length) in place: same inode.
    static func replace(_ old: String, with new: String, in path: String) throws {
        precondition(old.utf8.count == new.utf8.count)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let range = try #require(data.range(of: Data(old.utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(range.lowerBound))
        try handle.write(contentsOf: Data(new.utf8))
        try handle.close()
    }

    /// Sets the file's access and modification times to `nanoseconds` since the epoch, exactly.
    static func setModificationTime(_ path: String, nanoseconds: Int64) {
        let time = timespec(
            tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var times = [time, time]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }
}
