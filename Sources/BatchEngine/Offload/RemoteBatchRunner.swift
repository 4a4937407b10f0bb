import BatchCore
import BatchStore
import BatchTransport
import Foundation

/// The thin I/O shell around ``RemoteBatchMachine``: builds and uploads a part's file, creates,
/// polls, downloads and records one remote batch, recording every remote step in the store
/// before the next (the crash rule of `Store+RemoteBatches`).
///
/// Guarantees: a batch is created only after ``RemoteBatchAPI/findBatch(tag:)`` found none with
/// its tag; answers are written through the ``OutcomeWriter`` (exactly once per request); lines
/// that got no answer (expired, cancelled, failed batch without an error for them) are released
/// when the batch is finished, for a new batch or the live path; a failed batch's validation
/// errors become error lines `input:line: code: message` for the lines they name.
public struct RemoteBatchRunner: Sendable {
    public let store: Store
    public let api: any RemoteBatchAPI
    public let endpoint: Endpoint
    public let clock: any BatchClock
    public let job: JobRecord
    public let writer: OutcomeWriter
    /// Where upload files are built (`batchd-remote-<id>.jsonl`), deleted once uploaded batches end.
    public let workDirectory: String
    public var pollInterval: Duration
    public var keepRemoteFiles = false
    /// The answer cache: each 2xx answer is recorded with its line's key (``OffloadCache``).
    var cache: OffloadCache? = nil

    public init(
        store: Store, api: any RemoteBatchAPI, endpoint: Endpoint, clock: any BatchClock, job: JobRecord,
        writer: OutcomeWriter, workDirectory: String, pollInterval: Duration
    ) {
        self.store = store
        self.api = api
        self.endpoint = endpoint
        self.clock = clock
        self.job = job
        self.writer = writer
        self.workDirectory = workDirectory
        self.pollInterval = pollInterval
    }

    /// What one batch's run came to.
    public struct Finished: Sendable, Equatable {
        public var record: RemoteBatchRecord
        /// Lines released without an answer (to be sent again).
        public var released: Int
    }

    /// Builds `requests`' upload (all of one operation and model), records the intent, and runs it.
    public func run(_ requests: [PendingRequest], path: APIPath) async throws -> Finished {
        let record = try await plan(requests, path: path)
        return try await resume(record)
    }

    /// Builds the upload file and records the intent; nothing remote happens.
    public func plan(_ requests: [PendingRequest], path: APIPath) async throws -> RemoteBatchRecord {
        let url = endpoint.batchLineURL(for: path)
        let scratch = (workDirectory as NSString).appendingPathComponent(
            "batchd-remote-\(job.id)-\(UUID().uuidString).tmp")
        let built = try BatchUploadFile.write(requests, from: job.inputPath, url: url, to: scratch)
        let plan = RemoteBatchPlan(
            url: path.rawValue, model: requests.first?.model ?? "", lines: requests.map(\.line),
            bytes: built.bytes,
            contentHash: built.contentHash)
        let record: RemoteBatchRecord
        do {
            record = try await store.planRemoteBatch(job: job.id, plan, now: clock.now)
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            throw error
        }
        try? FileManager.default.removeItem(atPath: uploadPath(record))
        try FileManager.default.moveItem(atPath: scratch, toPath: uploadPath(record))
        return record
    }

    /// Runs `record` from its recorded step to its end (after a crash: from where it was).
    public func resume(_ record: RemoteBatchRecord) async throws -> Finished {
        guard let path = APIPath(rawValue: record.url) else {
            throw BatchdError.configuration("remote batch \(record.id): unknown operation \(record.url)")
        }
        let url = endpoint.batchLineURL(for: path)
        var machine = RemoteBatchMachine(
            record: record, pollInterval: pollInterval, keepRemoteFiles: keepRemoteFiles)
        var action = machine.firstAction
        var released = 0
        while true {
            switch action {
            case .upload:
                let file = try await ensureUploadFile(record, url: url)
                let fileID = try await api.upload(
                    path: uploadPath(record), size: file, fileName: "\(record.tag).jsonl")
                try await store.recordUpload(batch: record.id, fileID: fileID, now: clock.now)
                action = machine.handle(.uploaded(fileID: fileID))
            case .findByTag(let tag):
                let found = try await api.findBatch(tag: tag)
                if let found {
                    try await store.recordCreated(batch: record.id, batchID: found, now: clock.now)
                }
                action = machine.handle(.found(batchID: found))
            case .settleThenFind(let tag, let wait):
                try await clock.sleep(until: clock.now.advanced(by: wait))
                let found = try await api.findBatch(tag: tag)
                if let found {
                    try await store.recordCreated(batch: record.id, batchID: found, now: clock.now)
                }
                action = machine.handle(.found(batchID: found))
            case .create(let fileID, let tag):
                let batchID = try await api.createBatch(inputFileID: fileID, endpoint: url, tag: tag)
                try await store.recordCreated(batch: record.id, batchID: batchID, now: clock.now)
                action = machine.handle(.created(batchID: batchID))
            case .poll(let batchID, let wait):
                if wait > .zero { try await clock.sleep(until: clock.now.advanced(by: wait)) }
                do {
                    let snapshot = try await api.retrieve(batchID: batchID)
                    try await store.recordRemoteStatus(batch: record.id, snapshot.status, now: clock.now)
                    action = machine.handle(.polled(snapshot.status))
                } catch let error as RemoteBatchAPIError where error.isTransient {
                    action = machine.handle(.pollFailed(retryAfter: error.retryAfter))
                }
            case .record(let outputFileID, let errorFileID):
                try await recordAnswers(record, files: [outputFileID, errorFileID].compactMap { $0 })
                released = try await store.finishRemoteBatch(batch: record.id, now: clock.now)
                try? FileManager.default.removeItem(atPath: uploadPath(record))
                action = machine.handle(.recorded)
            case .delete(let fileIDs):
                // Cleanup is best effort: a file left behind costs storage, not correctness.
                for fileID in fileIDs { try? await api.delete(fileID: fileID) }
                action = machine.handle(.cleanedUp)
            case .done:
                let final = try await store.remoteBatches(job: job.id).first { $0.id == record.id } ?? record
                return Finished(record: final, released: released)
            }
        }
    }

    /// Writes every answer the batch's files hold for its still pending requests, then, for a
    /// failed batch, an error line for each line its validation errors name.
    func recordAnswers(_ record: RemoteBatchRecord, files: [String]) async throws {
        let pending = try await store.remoteBatchPending(job: job.id, batch: record.id)
        var sorter = RemoteAnswerSorter(job: job.id, pending: pending)
        let requests = cache == nil ? [:] : Dictionary(pending.map { ($0.line, $0) }) { first, _ in first }
        var batch = OutcomeBatch()
        // The cache key of an answered line, when the cache keeps it.
        let key: (Int) -> Int64? = { [cache] line in requests[line].flatMap { cache?.key(of: $0) } }
        for fileID in files {
            // Streamed: each line is sorted and written as it arrives, committed every 512 lines or
            // 4 MiB (an embedding answer may be 40 KB), so memory stays flat whatever the file's size.
            try await api.content(fileID: fileID) { line in
                guard let sorted = sorter.sort(line) else { return }
                Self.add(sorted, to: &batch, key: sorted.succeeded ? key(sorted.line) : nil)
                if batch.finished.count >= 512 || batch.resultBytes.count + batch.errorBytes.count >= 4 << 20
                {
                    try await writer.commit(batch)
                    batch = OutcomeBatch()
                }
            }
        }
        let current = try await store.remoteBatches(job: job.id).first { $0.id == record.id } ?? record
        if let batchID = current.batchID, current.remote?.status == "failed" {
            let snapshot = try await api.retrieve(batchID: batchID)
            for error in snapshot.lineErrors {
                // Upload line n is the n-th pending request: lines stay pending while in the batch.
                guard let number = error.line, number >= 1, number <= pending.count else { continue }
                let request = pending[number - 1]
                guard sorter.unanswered.contains(where: { $0.line == request.line }) else { continue }
                _ = sorter.sort(
                    OutputLine.failure(
                        id: "", customID: request.customID, code: error.code,
                        message: "\(job.inputPath):\(request.line): \(error.code): \(error.message)")
                )
                .map { Self.add($0, to: &batch) }
            }
        }
        if !batch.isEmpty { try await writer.commit(batch) }
    }

    /// Adds `sorted` to `batch`; a success with a cache `key` is also a cache entry.
    private static func add(
        _ sorted: RemoteAnswerSorter.Sorted, to batch: inout OutcomeBatch, key: Int64? = nil
    ) {
        if sorted.succeeded {
            if let key {
                batch.cacheEntries.append(
                    (
                        key, batch.resultBytes.count, sorted.output.count, LineHash.of(sorted.output),
                        sorted.output
                    ))
            }
            batch.resultBytes += sorted.output
            batch.delta.succeeded += 1
        } else {
            batch.errorBytes += sorted.output
            batch.delta.failed += 1
        }
        batch.finished.append(
            RequestOutcome(
                line: sorted.line, state: sorted.succeeded ? .succeeded : .failed, attempts: 1,
                lastError: sorted.lastError))
        if let usage = sorted.usage {
            var entry = batch.usage[sorted.model] ?? (0, TokenUsage())
            entry.requests += 1
            entry.usage += usage
            batch.usage[sorted.model] = entry
            var batchEntry = batch.batchUsage[sorted.model] ?? (0, TokenUsage())
            batchEntry.requests += 1
            batchEntry.usage += usage
            batch.batchUsage[sorted.model] = batchEntry
        }
    }

    /// The local upload file of `record`.
    func uploadPath(_ record: RemoteBatchRecord) -> String {
        (workDirectory as NSString).appendingPathComponent("batchd-remote-\(record.id).jsonl")
    }

    /// The upload file's size, rebuilding it from the batch's lines when a crash lost it.
    private func ensureUploadFile(_ record: RemoteBatchRecord, url: String) async throws -> Int64 {
        let path = uploadPath(record)
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
            size.int64Value == record.bytes
        {
            return record.bytes
        }
        let pending = try await store.remoteBatchPending(job: job.id, batch: record.id)
        return try BatchUploadFile.write(pending, from: job.inputPath, url: url, to: path).bytes
    }
}
