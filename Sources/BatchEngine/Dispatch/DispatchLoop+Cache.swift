import BatchCore
import BatchStore
import BatchThreads

/// How a run uses the answer cache: the job's mode, how old an entry may be, and the reader of
/// the results files entries point to.
struct CacheLookup: Sendable {
    var mode: CacheMode
    var maxAge: TimeSpan
    let reader = AnswerSourceReader()
}

/// The answer cache at the moment pending lines are loaded, before any is queued to be sent.
///
/// For each loaded line the policy allows (``CachePolicy``; its line read back and checked as the
/// sender checks it), its key (``AnswerKey``) is looked up: in this run's ``AnswerReuse`` first
/// (a line answered or on its way), then in the store. A store entry young enough whose line is
/// still intact (``AnswerSourceReader``) is a hit: the line's results line is queued in the
/// recorder at once, never sent, costing no quota, slot or attempt. A line that follows another
/// is held back; every other line is loaded into the dispatch state as before.
///
/// Crash rule for hits: a hit is recorded like an answer. Its results line is appended and synced,
/// then marked done in the transaction that commits the file's length (``OutcomeWriter``); a crash
/// before that commit cuts the line and leaves the request pending, and the next run finds the same
/// entry (or sends the request). So each line still ends with exactly one output line.
extension DispatchLoop {
    /// `items` without the lines answered from the cache or held back behind another line.
    func reuseAnswers(_ items: [DispatchItem], now: Timestamp) async throws -> [DispatchItem] {
        guard let cache, let reuse = recorder.reuse, cache.mode != .off, !items.isEmpty else { return items }
        let (sender, mode) = (sender, cache.mode)
        var items = items
        let requests = items.map(\.request)
        let looked: [(key: Int64, bodyRange: Range<Int>?)?] = try await BlockingWork.run {
            // The target (a URL built per line otherwise) and the hasher that starts every key of
            // it are the same for every line of a model and operation.
            var prefixes: [LineTarget: FingerprintHasher?] = [:]
            var last: (target: LineTarget, prefix: FingerprintHasher?)? = nil
            return requests.map { request in
                let target = LineTarget(path: request.path, model: request.model)
                let prefix: FingerprintHasher?
                if let last, last.target == target {
                    prefix = last.prefix
                } else if let known = prefixes[target] {
                    prefix = known
                } else {
                    prefix = APIPath(rawValue: request.path).flatMap {
                        AnswerKey.target(endpoint: sender.endpoint, path: $0, model: request.model)
                    }.map(AnswerKey.prefix(target:))
                    prefixes[target] = prefix
                }
                last = (target, prefix)
                return prefix.flatMap { Self.key(of: request, prefix: $0, sender: sender, mode: mode) }
            }
        }
        for index in items.indices { items[index].bodyRange = looked[index]?.bodyRange }
        let keys = looked.map { $0?.key }
        let wanted = keys.compactMap { $0 }
        guard !wanted.isEmpty else { return items }
        let notBefore = Timestamp(milliseconds: now.milliseconds - cache.maxAge.milliseconds)
        let entries = try await environment.store.cachedAnswers(keys: wanted, notBefore: notBefore)
        let hitIndexes =
            entries.isEmpty ? [] : items.indices.filter { keys[$0].map { entries[$0] != nil } ?? false }
        let made = try await madeLines(
            hitIndexes.map { items[$0] }, entries: hitIndexes.map { entries[keys[$0]!]! },
            reader: cache.reader)
        var hits: [Int: (line: [UInt8], usage: TokenUsage?)] = [:]
        for (index, line) in zip(hitIndexes, made) { hits[index] = line }
        var kept: [DispatchItem] = []
        kept.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let key = keys[index] else {
                kept.append(item)
                continue
            }
            if let hit = hits[index] ?? nil {
                recorder.finishReused(item, line: hit.line, usage: hit.usage, now: now)
                continue
            }
            switch reuse.admit(item, key: key) {
            case .lead: kept.append(item)
            case .follow: continue
            case .reuse(let source):
                if let made = ReusedLine.make(
                    from: source, id: OutputLine.id(job: jobID, line: item.request.line),
                    customID: item.request.customID)
                {
                    recorder.finishReused(item, line: made.line, usage: made.usage, now: now)
                } else {
                    kept.append(item)
                }
            }
        }
        return kept
    }

    /// The results lines of `items` made from their `entries`, off the task threads: from the line
    /// an entry points to when it is still intact (``AnswerSourceReader``), else from its kept
    /// body (`cache_keep_bodies`); nil for an entry with neither (a miss: the line is sent).
    private func madeLines(_ items: [DispatchItem], entries: [CachedAnswer], reader: AnswerSourceReader)
        async throws -> [(line: [UInt8], usage: TokenUsage?)?]
    {
        guard !items.isEmpty else { return [] }
        let jobID = jobID
        return try await BlockingWork.run {
            zip(items, entries).map { item, entry in
                let (id, customID) = (
                    OutputLine.id(job: jobID, line: item.request.line), item.request.customID
                )
                if let line = reader.line(entry),
                    let made = ReusedLine.make(from: line, id: id, customID: customID)
                {
                    return made
                }
                return entry.keptBody.flatMap(KeptBody.inflate).flatMap {
                    ReusedLine.make(response: $0, id: id, customID: customID)
                }
            }
        }
    }

    /// The key of `request` (its target hashed in `prefix`) when the policy caches it and its line
    /// is still the one ingested, with where its body lies (``LineBody``: for the sender, when the
    /// line had a recorded hash); nil otherwise (the sender then sends it, or finds the line changed).
    ///
    /// A line whose hash is the one recorded at ingest is the line the parser accepted then: only
    /// its `body` is looked up, not parsed again. A line without a recorded hash is parsed whole.
    static func key(
        of request: PendingRequest, prefix: FingerprintHasher, sender: RequestSender, mode: CacheMode
    )
        -> (key: Int64, bodyRange: Range<Int>?)?
    {
        guard let path = APIPath(rawValue: request.path),
            let line = try? sender.input.read(offset: request.offset, length: request.length)
        else { return nil }
        let bodyRange: Range<Int>
        if let recorded = request.lineHash {
            guard LineHash.of(line) == recorded, let range = LineBody.range(of: line) else { return nil }
            bodyRange = range
        } else {
            guard case .success(let parsed) = sender.parser.parse(line), parsed.customID == request.customID,
                parsed.model == request.model, parsed.path == path
            else { return nil }
            bodyRange = parsed.bodyRange
        }
        let key: Int64? = line.withUnsafeBytes { bytes in
            let body = UnsafeRawBufferPointer(rebasing: bytes[bodyRange])
            guard CachePolicy.applies(mode: mode, path: path, body: body) else { return nil }
            if path.sendsFile {
                return UploadKey.of(prefix: prefix, body: Array(body), path: path, form: sender.uploads)
            }
            return AnswerKey.of(prefix: prefix, body: body)
        }
        guard let key else { return nil }
        return (key, request.lineHash != nil ? bodyRange : nil)
    }

    /// Counts the lines answered without sending since the last call, and queues the lines released
    /// by a leader's failure (``AnswerReuse/takeReleased()``) to be sent.
    func absorbReuse(into state: inout DispatchState, now: Timestamp) {
        guard let reuse = recorder.reuse else { return }
        let count = recorder.takeReusedCount()
        if count > 0 {
            progress.update {
                $0.counts.succeeded += count
                $0.recordedThisRun += count
            }
        }
        let released = reuse.takeReleased()
        if !released.isEmpty { state.load(released, through: released.last?.request.line, now: now) }
    }
}

/// A line's operation and model: what its cache key's target is built from.
private struct LineTarget: Hashable {
    var path: String
    var model: String
}
