import BatchCore
import BatchStore
import BatchTransport
import Foundation

/// Sends a job's lines through the provider's Batch API (`via batch` or `auto`) before its live
/// run: resumes the remote batches a previous run left unfinished, splits the pending lines the
/// Batch API takes into parts (``BatchSplitter``: per operation and model, under the caps), runs
/// every part to its end (``RemoteBatchRunner``) and returns. Lines an expired, cancelled or failed
/// batch did not answer are sent again in new batches (`batch_fallback batch`, the default; at
/// most ``BatchAPILimits/resendRounds`` rounds) or left for the live run (`batch_fallback live`).
/// What it leaves pending (lines the Batch API does not take, lines too large for an upload, lines
/// still unanswered) is then sent live by the same run.
struct JobOffload {
    let job: JobRecord
    let endpoint: Endpoint
    let store: Store
    let api: any RemoteBatchAPI
    let clock: any BatchClock
    let writer: OutcomeWriter
    let settings: JobSettings
    let workDirectory: String
    /// The answer cache, unless the job's mode is `off`: hits and repeats are not offloaded, and
    /// batch answers are cached (``OffloadCache``).
    var cache: OffloadCache? = nil

    /// The caps parts keep under: the job's settings, never above the provider's.
    var caps: BatchCaps {
        BatchCaps(
            lines: min(settings.batchMaxLines ?? endpoint.batchAPIMaxLines, endpoint.batchAPIMaxLines),
            bytes: min(settings.batchMaxBytes ?? ProviderLimits.batchFileBytes, ProviderLimits.batchFileBytes)
        )
    }

    /// Runs every remote batch of the job to its end, re-sending what they left unanswered as
    /// ``JobSettings/batchFallback`` says; returns how many lines were left to the live run.
    func run() async throws -> Int {
        let rounds = settings.batchFallback == .live ? 0 : BatchAPILimits.resendRounds
        var released = try await runRound()
        var round = 0
        while released > 0, round < rounds {
            round += 1
            released = try await runRound(resumeUnfinished: false)
        }
        return released
    }

    /// One round: resumes the unfinished batches (first round), splits and plans the pending lines
    /// the Batch API takes, runs them all to their end; returns how many lines were released.
    private func runRound(resumeUnfinished: Bool = true) async throws -> Int {
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        var runner = RemoteBatchRunner(
            store: store, api: api, endpoint: endpoint, clock: clock, job: job, writer: writer,
            workDirectory: workDirectory,
            pollInterval: .milliseconds(
                Int64((settings.batchPollSeconds ?? BatchAPILimits.pollSeconds) * 1000)))
        runner.keepRemoteFiles = settings.keepRemoteFiles ?? false
        runner.cache = cache
        let configured = runner
        let unfinished =
            resumeUnfinished ? try await store.remoteBatches(job: job.id).filter { $0.step != .recorded } : []
        let parts = try await split()
        var planned: [RemoteBatchRecord] = unfinished
        for part in parts {
            planned.append(try await runner.plan(part.requests, path: part.path))
        }
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for record in planned {
                group.addTask { try await configured.resume(record).released }
            }
            var released = 0
            for try await count in group { released += count }
            return released
        }
    }

    private struct Part {
        var path: APIPath
        var requests: [PendingRequest]
    }

    /// The pending lines the Batch API takes, in parts under ``caps``; lines the cache answers, and
    /// repeats of lines already placed, stay pending for the live run (``OffloadCache``).
    private func split() async throws -> [Part] {
        var splitter = BatchSplitter(caps: caps)
        var byLine: [Int: PendingRequest] = [:]
        var parts: [BatchPart] = []
        var after = 0
        var placedKeys: Set<Int64> = []
        let input = try InputFile(path: job.inputPath)
        while true {
            let page = try await store.pendingPage(job: job.id, after: after, limit: 4096)
            guard let last = page.last else { break }
            after = last.line
            let keys = page.map { request in cache?.key(of: request) }
            let held = try await cache?.held(keys.compactMap { $0 }, store: store, now: clock.now) ?? []
            for (request, key) in zip(page, keys) {
                guard let path = APIPath(rawValue: request.path), endpoint.batchAPITakes(path) else {
                    continue
                }
                if let key {
                    guard !held.contains(key), placedKeys.insert(key).inserted else { continue }
                }
                let raw = try input.read(offset: request.offset, length: request.length)
                guard let upload = try? UploadLine.build(raw, url: endpoint.batchLineURL(for: path)) else {
                    continue
                }
                let inputs = path == .embeddings ? Self.embeddingInputs(raw) : 0
                byLine[request.line] = request
                if case .added(let sealed?) = splitter.add(
                    line: request.line, path: path, model: request.model, uploadBytes: upload.count,
                    embeddingInputs: inputs)
                {
                    parts.append(sealed)
                }
            }
        }
        parts += splitter.finish()
        return parts.map { part in Part(path: part.path, requests: part.lines.compactMap { byLine[$0] }) }
    }

    /// How many inputs an embeddings line's `body.input` holds (1 for a single string).
    static func embeddingInputs(_ line: [UInt8]) -> Int {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
            let body = object["body"] as? [String: Any]
        else { return 1 }
        if let list = body["input"] as? [Any] {
            // A list of token ids is one input; a list of strings or of token lists is many.
            return list.first is NSNumber ? 1 : list.count
        }
        return 1
    }
}
