import BatchCore
import BatchStore

/// What a lease renewal's input check found: the input's fingerprint from now on, or why the job
/// must stop.
typealias CheckedInput = Result<InputFingerprint, BatchdError>

/// The dispatch loop's steps that do I/O, each off the threads that run tasks.
extension DispatchLoop {
    /// Loads the next page of pending requests into `state`.
    func loadPage(into state: inout DispatchState) async throws {
        let (env, jobID, endpointName, limit) = (environment, jobID, endpointName, pageSize)
        let page = try await env.store.pendingPage(job: jobID, after: state.loadedThroughLine, limit: limit)
        let items = page.map {
            DispatchItem(request: $0, lane: LaneKey(endpoint: endpointName, model: $0.model))
        }
        await seedLearned(lanes: Set(items.map(\.lane)).filter { !state.hasJoined($0) })
        // The time after the read, not before it: the read may have waited for the store.
        state.load(items, now: env.clock.now)
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

    /// Whether the recorder's batch is due for a commit: its oldest entry has waited long enough,
    /// or its lines number half the requests on the wire (so the next batch fills while it syncs,
    /// long before the job's unrecorded limit stops sending).
    func commitDue(state: DispatchState, now: Timestamp) -> Bool {
        let pending = recorder.pendingLines
        if pending > 0 && 2 * pending >= state.inFlight { return true }
        return recorder.flushDeadline.map { $0 <= now } ?? false
    }
}
