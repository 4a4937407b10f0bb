import BatchCore
import BatchTesting
import Foundation

@testable import BatchStore

#if canImport(Glibc)
    import Glibc
#endif

/// A store on a fresh file, and builders of jobs and requests.
struct QueueFixture {
    let directory: TemporaryDirectory
    let store: Store
    static let now = Timestamp(milliseconds: 1_700_000_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        store = try Store(path: directory.path("db/queue.sqlite"))
    }

    static func newJob(input: String = "/data/in.jsonl", endpoint: String = "default", size: Int64 = 100)
        -> NewJob
    {
        NewJob(
            inputPath: input, endpoint: endpoint,
            fingerprint: InputFingerprint(size: size, modificationNanoseconds: 5, hash: nil), createdAt: now)
    }

    static func request(line: Int, customID: String? = nil, model: String = "gpt-4o") -> NewRequest {
        NewRequest(
            line: line, offset: Int64(line * 100), length: 50 + line, customID: customID ?? "req-\(line)",
            path: "chat/completions", model: model)
    }

    /// A job with `lines` (at least 1) requests, lines 1...lines, recorded as ingested.
    func jobWithRequests(_ lines: Int) throws -> Int64 {
        try store.write { tx in
            let id = try tx.insertJob(Self.newJob())
            for line in 1...lines {
                _ = try tx.insertRequest(job: id, Self.request(line: line))
            }
            try tx.recordIngest(
                job: id, progress: IngestProgress(offset: 100, line: lines, done: true), addedRequests: lines,
                addedRejected: 0, errorsBytes: 0, hash: nil)
            return id
        }
    }
}

/// Whether a process with this pid exists.
func processIsAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}

/// The pid of a process that has exited and been reaped.
func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}
