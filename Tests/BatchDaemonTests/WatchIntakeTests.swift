import BatchConfig
import BatchCore
import BatchDaemon
import BatchEngine
import BatchTesting
import Foundation
import Logging
import Testing

@testable import BatchStore

@Suite("drop folder: taking a file")
struct WatchIntakeTests {
    let folder: TemporaryDirectory
    let store: Store
    let intake: DropIntake
    let watched: WatchedFolder

    init() throws {
        folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.path("in"), withIntermediateDirectories: true)
        store = try Store(path: folder.path("batchd.sqlite"))
        intake = DropIntake(
            store: store, clock: ManualClock(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        watched = WatchedFolder(path: folder.path("in"), settings: JobSettings(endpoint: "east", priority: 2))
    }

    private func drop(_ name: String, _ text: String = "{}\n") throws -> String {
        let path = folder.path("in/" + name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a file becomes one job with the folder's settings; taking it again finds that job")
    func once() async throws {
        let path = try drop("a.jsonl")
        guard case .submitted(let id) = await intake.take(path, in: watched) else {
            Issue.record("not submitted")
            return
        }
        let job = try #require(try store.read { try $0.job(id) })
        #expect(job.endpoint == "east" && job.priority == 2 && job.inputPath == Paths.canonical(path))
        await #expect(intake.take(path, in: watched) == .alreadyTaken(jobID: id))
        let restarted = DropIntake(
            store: store, clock: ManualClock(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        await #expect(restarted.take(path, in: watched) == .alreadyTaken(jobID: id), "the database remembers")
    }

    @Test("a changed file is left to its unfinished job, and is a new job once that one finished")
    func newVersion() async throws {
        let path = try drop("a.jsonl")
        guard case .submitted(let first) = await intake.take(path, in: watched) else {
            Issue.record("not submitted")
            return
        }
        _ = try drop("a.jsonl", "{}\n{}\n")
        await #expect(intake.take(path, in: watched) == .alreadyTaken(jobID: first))
        try store.write { try $0.setState(job: first, .completed, now: Timestamp(milliseconds: 1)) }
        guard case .submitted(let second) = await intake.take(path, in: watched) else {
            Issue.record("the new version was not submitted")
            return
        }
        #expect(second != first)
    }

    @Test(
        "a touched file whose job completed is already taken, its new mtime recorded; changed bytes are a new job"
    )
    func touchedVersion() async throws {
        let path = try drop("t.jsonl", "{\"custom_id\": \"t1\"}\n")
        guard case .submitted(let id) = await intake.take(path, in: watched) else {
            Issue.record("not submitted")
            return
        }
        // The job ran to its end: ingest recorded the content hash.
        let hash = try FileFingerprint.compute(path: Paths.canonical(path)).hash
        try store.write { tx in
            try tx.recordIngest(
                job: id, progress: IngestProgress(offset: 20, line: 1, done: true), addedRequests: 0,
                addedRejected: 0, errorsBytes: 0, hash: hash)
            try tx.setState(job: id, .completed, now: Timestamp(milliseconds: 1))
        }
        let recorded = try #require(try store.read { try $0.job(id) }).fingerprint
        let touched = recorded.modificationNanoseconds + 1_000_000_000
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: Double(touched) / 1e9)], ofItemAtPath: path)
        let current = try FileFingerprint.stat(path: path).mtimeNanoseconds
        #expect(current != recorded.modificationNanoseconds)

        await #expect(intake.take(path, in: watched) == .alreadyTaken(jobID: id))
        #expect(try store.read { try $0.job(id) }?.fingerprint.modificationNanoseconds == current)
        #expect(try store.read { try $0.jobs(limit: 10) }.count == 1)

        _ = try drop("t.jsonl", "{\"custom_id\": \"T1\"}\n")  // the same size
        guard case .submitted(let second) = await intake.take(path, in: watched) else {
            Issue.record("the changed file was not submitted")
            return
        }
        #expect(second != id)
    }

    @Test("a sidecar overrides the folder; a broken one fails the take, to be tried again")
    func sidecar() async throws {
        let path = try drop("s.jsonl")
        _ = try drop("s.job.json", "{\"priority\": \"high\"}")
        guard case .failed = await intake.take(path, in: watched) else {
            Issue.record("a broken sidecar must fail the take")
            return
        }
        #expect(try store.read { try $0.jobs(limit: 10) }.isEmpty)
        _ = try drop("s.job.json", "{\"priority\": 8, \"endpoint\": \"west\"}")
        guard case .submitted(let id) = await intake.take(path, in: watched) else {
            Issue.record("not submitted once fixed")
            return
        }
        let job = try #require(try store.read { try $0.job(id) })
        #expect(job.priority == 8 && job.endpoint == "west")
    }

    @Test("a symlink to a file outside the folder is refused")
    func symlinkOut() async throws {
        let outside = folder.write("outside.jsonl", lines: ["{}"])
        let link = folder.path("in/link.jsonl")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
        guard case .refused = await intake.take(link, in: watched) else {
            Issue.record("not refused")
            return
        }
        #expect(try store.read { try $0.jobs(limit: 10) }.isEmpty)
    }
}
