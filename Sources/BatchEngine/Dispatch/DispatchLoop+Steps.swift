import BatchConfig
import BatchCore
import BatchStore
import BatchThreads

/// What a lease renewal's input check found: the input's fingerprint from now on, or why the job
/// must stop.
typealias CheckedInput = Result<InputFingerprint, BatchdError>

/// The dispatch loop's steps that do I/O, each off the threads that run tasks.
extension DispatchLoop {
    /// Loads the next page of pending requests into `state`.
    func loadPage(into state: inout DispatchState) async throws {
        let (env, jobID, endpointName, limit) = (environment, jobID, endpointName, pageSize)
        let page = try await env.store.pendingPage(job: jobID, after: state.loadedThroughLine, limit: limit)
        var items = page.map {
            DispatchItem(request: $0, lane: LaneKey(endpoint: endpointName, model: $0.model))
        }
        items = try await reuseAnswers(items, now: env.clock.now)
        try await annotatePacking(&items)
        await seedLearned(lanes: Set(items.map(\.lane)).filter { !state.hasJoined($0) })
        // Now, not the time before the read, which may have waited for the store.
        state.load(items, through: page.last?.line, now: env.clock.now)
        absorbReuse(into: &state, now: env.clock.now)
    }

    /// Reads back the embedding lines of lanes that pack, off the threads that run tasks, to learn
    /// how each may be packed (``RequestSender/packing(of:)``).
    func annotatePacking(_ items: inout [DispatchItem]) async throws {
        let (settings, options, endpointName) = (environment.settings, self.settings, endpointName)
        var limits: [String: Int] = [:]
        let packable = items.indices.filter { index in
            let request = items[index].request
            guard request.path == APIPath.embeddings.rawValue else { return false }
            if limits[request.model] == nil {
                limits[request.model] = settings.embeddingInputsPerRequest(
                    job: options, endpoint: endpointName, model: request.model)
            }
            return limits[request.model]! > 1
        }
        guard !packable.isEmpty else { return }
        let (sender, requests) = (sender, packable.map { items[$0].request })
        let shapes = try await BlockingWork.run { requests.map { sender.packing(of: $0) } }
        for (index, shape) in zip(packable, shapes) { items[index].packing = shape }
    }

    /// Renews the job's lease and checks that its input is unchanged: a store write (which waits
    /// for any commit in progress) and a `stat`; a hash of the file when only its modification time
    /// changed (``InputCheck``), whose new time is then recorded. Returns the input's fingerprint
    /// from now on, or why the job must stop.
    func renewLease(now: Timestamp, input: InputFingerprint) async throws -> CheckedInput {
        try await environment.renewLease(job: jobID, now: now)
        switch await InputCheck.check(path: sender.input.path, against: input, hashing: .whenTouched) {
        case .unchanged:
            return .success(input)
        case .touched(let time):
            let job = try await environment.store.recordInputTouched(
                job: jobID, modificationNanoseconds: time, hash: input.hash ?? 0)
            return .success(job.fingerprint)
        case .changed(let error):
            return .failure(error)
        }
    }

    /// Whether the recorder's batch is due for a commit: its oldest entry has waited the
    /// recorder's ``OutcomeRecorder/maximumDelay`` (100 ms), or its lines number half the requests
    /// on the wire (so the next batch fills while it syncs, long before the job's unrecorded limit
    /// stops sending) and either ``commitLines`` or half that limit is taken.
    ///
    /// When sending is paced, a few requests are on the wire and answers come one by one: a commit
    /// then groups the answers of 100 ms (or ``commitLines`` of them) instead of syncing once or
    /// twice per answer. The crash bound does not depend on this: the job never has more than its
    /// unrecorded limit on the wire or awaiting a commit (``DispatchState/unrecordedLimit``), and a
    /// job near that limit commits at once.
    func commitDue(state: DispatchState, now: Timestamp) -> Bool {
        let pending = recorder.pendingLines
        let nearLimit = 2 * (state.inFlightLines + state.awaitingCommit) >= state.unrecordedLimit
        if pending > 0 && 2 * pending >= state.inFlight && (pending >= Self.commitLines || nearLimit) {
            return true
        }
        return recorder.flushDeadline.map { $0 <= now } ?? false
    }

    /// A commit that is not due by time and leaves the job far from its unrecorded limit waits for
    /// at least this many lines (see ``commitDue``).
    static let commitLines = 8
}
