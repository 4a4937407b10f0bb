import BatchCore
import BatchEngine
import BatchStore
import BatchTesting
import BatchTransport
import Foundation
import Testing

/// Inputs edited in place under a job: a changed line is never sent.
@Suite("JobRunner: inputs edited under a job")
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

    @Test("a line edited in place while the job runs (size and mtime kept) pauses it before it is sent")
    func lineEditedInPlace() async throws {
        let path = fixture.writeInput(customIDs: ["e1", "e2", "e3"])
        let job = try await fixture.submit(path, options: JobOptions(concurrency: 1))
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
