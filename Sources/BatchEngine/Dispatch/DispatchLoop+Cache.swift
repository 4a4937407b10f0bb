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
        let requests = items.map(\.request)
        let keys: [Int64?] = try await BlockingWork.run {
            // The target (a URL built per line otherwise) is the same for every line of a model.
            var targets: [String: String?] = [:]
            return requests.map { request in
                let target: String?
                if let known = targets[request.model + "\n" + request.path] {
                    target = known
                } else {
                    target = APIPath(rawValue: request.path).flatMap {
                        AnswerKey.target(endpoint: sender.endpoint, path: $0, model: request.model)
                    }
                    targets[request.model + "\n" + request.path] = target
                }
                return target.flatMap { Self.key(of: request, target: $0, sender: sender, mode: mode) }
            }
        }
        let wanted = keys.compactMap { $0 }
        guard !wanted.isEmpty else { return items }
        let notBefore = Timestamp(milliseconds: now.milliseconds - cache.maxAge.milliseconds)
        let entries = try await environment.store.cachedAnswers(keys: wanted, notBefore: notBefore)
        let reader = cache.reader
        let (jobID, hitIndexes) = (
            jobID, items.indices.filter { keys[$0].map { entries[$0] != nil } ?? false }
        )
        let hitItems = hitIndexes.map { items[$0] }
        let hitEntries = hitIndexes.map { entries[keys[$0]!]! }
        // Source lines read and checked off the task threads; a source gone or changed is a miss.
        let made: [(line: [UInt8], usage: TokenUsage?)?] =
            hitItems.isEmpty
            ? []
            : try await BlockingWork.run {
                zip(hitItems, hitEntries).map { item, entry in
                    reader.line(entry).flatMap {
                        ReusedLine.make(
                            from: $0, id: OutputLine.id(job: jobID, line: item.request.line),
                            customID: item.request.customID)
                    }
                }
            }
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

    /// The key of `request` (sent to `target`) when the policy caches it and its line is still the one ingested;
    /// nil otherwise (the sender then sends it, or finds the line changed).
    static func key(of request: PendingRequest, target: String, sender: RequestSender, mode: CacheMode)
        -> Int64?
    {
        guard let path = APIPath(rawValue: request.path), !path.sendsFile,
            let line = try? sender.input.read(offset: request.offset, length: request.length)
        else { return nil }
        if let recorded = request.lineHash, LineHash.of(line) != recorded { return nil }
        guard case .success(let parsed) = sender.parser.parse(line), parsed.customID == request.customID,
            parsed.model == request.model, parsed.path == path
        else { return nil }
        return line.withUnsafeBytes { bytes in
            let body = UnsafeRawBufferPointer(rebasing: bytes[parsed.bodyRange])
            guard CachePolicy.applies(mode: mode, path: path, body: body) else { return nil }
            return AnswerKey.of(target: target, body: body)
        }
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
