import BatchConfig
import BatchCore
import BatchStore
import BatchThreads
import BatchTransport
import Logging

/// An event the dispatch loop reacts to.
enum RunEvent: Sendable {
    /// Sends finished; their results wait in the ``CompletionInbox``.
    case completions
    /// The commit in progress finished (or failed: awaiting its task rethrows the error).
    case committed
    case tick
    case drain
}

/// How the sending phase ended.
enum DispatchOutcome: Sendable {
    case finished
    case drained
    case stopped(BatchdError)
}

/// The thin shell around ``DispatchState``: loads pages of pending requests, starts sends as child
/// tasks, turns each answer into a recorded outcome or a retry, commits the recorder's batches,
/// renews the job's lease, and sleeps on the injected clock until the next event.
///
/// Commits run beside the loop, one at a time and in order (``CommitInProgress``): while one
/// syncs, answers keep arriving, slots keep refilling and the next batch fills.
struct DispatchLoop {
    let jobID: Int64
    let endpointName: String
    /// The job's own settings (the config's levels are resolved under them per lane).
    let settings: JobSettings
    /// The job's weight in its lanes' fair shares.
    let weight: Int
    /// The input as ingested; checked again at every lease renewal (``InputCheck``).
    let input: InputFingerprint
    let sender: RequestSender
    let recorder: OutcomeRecorder
    let environment: RunEnvironment
    let progress: RunProgress
    let logger: Logger
    var pageSize = 1024
    /// The job's spending cap (`--max-cost`), if it has one.
    var spendGate: SpendGate? = nil
    /// The job's report statistics (latencies, timeline, time sending and waiting), if kept.
    var runStats: RunStatsRecorder? = nil
    /// Wakeups for a budget come at most this often (``DispatchState/pacingSlack``).
    static let pacingSlack: Duration = .milliseconds(200)
    /// The answer cache, when the job uses it (``DispatchLoop+Cache``).
    var cache: CacheLookup? = nil

    func run(events: AsyncStream<RunEvent>, continuation: AsyncStream<RunEvent>.Continuation) async throws
        -> DispatchOutcome
    {
        let env = environment
        let settings = env.settings
        let options = self.settings
        let endpointName = endpointName
        // Each lane's retry policy, resolved once per model (see `Settings.resolved`).
        var policies: [String: RetryPolicy] = [:]
        func policy(_ item: DispatchItem) -> RetryPolicy {
            let model = item.request.model
            if let known = policies[model] { return known }
            let policy = settings.retryPolicy(job: options, endpoint: endpointName, model: model)
            policies[model] = policy
            return policy
        }
        let sender = sender
        let jobID = jobID
        var state = DispatchState(
            tenant: jobID, weight: weight, lanes: env.lanes, lowWatermark: pageSize,
            packLimit: { lane in
                settings.embeddingInputsPerRequest(job: options, endpoint: lane.endpoint, model: lane.model)
            }
        ) { lane in
            env.settings.laneSettings(endpoint: lane.endpoint, model: lane.model, job: options)
        }
        state.pacingSlack = Self.pacingSlack
        // Another job's request finishing, or its turn passing, can let this one start.
        env.lanes.register(tenant: jobID) { continuation.yield(.tick) }
        defer { env.lanes.unregister(tenant: jobID) }
        // A touched input's new modification time replaces the recorded one.
        var input = input
        var lastRenewal = env.clock.now
        var timer = WakeupTimer()
        var drainDeadline: Timestamp?
        var commit: CommitInProgress?
        defer { timer.cancel() }
        let inbox = CompletionInbox { continuation.yield(.completions) }
        var reachability = EndpointReachability()
        var learnedSaved: [LaneKey: LearnedBudget] = [:]
        var learnedChecked = env.clock.now

        try await withThrowingDiscardingTaskGroup { group in
            var iterator = events.makeAsyncIterator()
            do {
                while true {
                    var now = env.clock.now
                    if state.wantsMoreInput {
                        try await loadPage(into: &state)
                        now = env.clock.now
                    }
                    while let item = state.next(now: now) {
                        if let refusal = spendGate?.admit(item) {
                            state.finished(item, now: now)  // not sent: it stays pending
                            state.stop(refusal)
                            break
                        }
                        recorder.noteAttempt()
                        group.addTask {
                            let result =
                                item.isPack
                                ? await sender.sendPack(item, job: jobID) : await sender.send(item)
                            inbox.deliver(item, result)
                        }
                    }
                    runStats?.pass(now: now, inFlight: state.inFlight)
                    if commit == nil, commitDue(state: state, now: now), let batch = recorder.takeBatch() {
                        commit = CommitInProgress(batch, writer: recorder.writer) {
                            continuation.yield(.committed)
                        }
                    }
                    if now.milliseconds - lastRenewal.milliseconds >= env.lease.wholeMillisecondsRoundedUp / 3
                    {
                        switch try await renewLease(now: now, input: input) {
                        case .success(let checked): input = checked
                        case .failure(let error): state.stop(error)
                        }
                        try await runStats?.save(lanes: env.lanes)
                        lastRenewal = now
                    }
                    if now.milliseconds - learnedChecked.milliseconds >= Self.learnedSaveInterval {
                        learnedChecked = now
                        let changes = learnedToSave(state: state, saved: &learnedSaved, now: now)
                        if !changes.isEmpty {
                            let (store, server, logger) = (env.store, learnedServer, logger)
                            group.addTask {
                                await Self.saveLearned(changes, store: store, server: server, logger: logger)
                            }
                        }
                    }
                    if state.isFinished { break }

                    // The earliest of: the lease renewal, a retry or budget wakeup, the commit, the drain.
                    var deadline = lastRenewal.advanced(by: env.lease / 3)
                    // While a commit runs, its `.committed` event is the wakeup for the next one.
                    let flushDeadline = commit == nil ? recorder.flushDeadline : nil
                    for candidate in [state.nextWakeup(now: now), flushDeadline, drainDeadline] {
                        if let candidate, candidate < deadline { deadline = candidate }
                    }
                    timer.arm(at: deadline, clock: env.clock) { continuation.yield(.tick) }
                    // Paced: answers wait for the budget wakeup armed above (within 2 × the slack).
                    inbox.setQuiet(state.answersMayWait(now: now, within: Self.pacingSlack * 2))
                    guard let event = await iterator.next() else { break }
                    now = env.clock.now
                    switch event {
                    case .tick:
                        timer.fired(now: now)
                        if let deadline = drainDeadline, deadline <= now {
                            logger.warning("drain timeout reached, cancelling requests in flight")
                            group.cancelAll()
                            drainDeadline = nil  // once: a deadline left in the past would tick forever
                        }
                    case .drain:
                        if !state.draining {
                            state.drain()
                            drainDeadline = now.advanced(by: env.drainTimeout)
                            progress.update { $0.phase = .draining }
                            logger.info("draining", metadata: ["in_flight": "\(state.inFlight)"])
                        }
                    case .completions:
                        break  // taken below, as after every event
                    case .committed:
                        if let done = commit {
                            commit = nil
                            try await done.finish(into: &state)
                        }
                    }
                    // Every wakeup takes the answers waiting: a quiet inbox posts none of its own.
                    for (item, result) in inbox.takeAll() {
                        handle(
                            item, result, state: &state, reachability: &reachability, policy: policy(item),
                            now: now)
                    }
                    absorbReuse(into: &state, now: now)
                }
            } catch {
                // The commit still running holds the output files: let it end before the run fails.
                try? await commit?.finish(into: &state)
                throw error
            }
        }
        // Every send has ended. After a hard stop (the run cancelled: the event stream ends early,
        // and the sends with it), answers that arrived while the sends were ending wait here:
        // recorded now, they are not sent, and paid for, again.
        for (item, result) in inbox.takeAll() {
            handle(
                item, result, state: &state, reachability: &reachability, policy: policy(item),
                now: env.clock.now)
        }
        absorbReuse(into: &state, now: env.clock.now)
        try await commit?.finish(into: &state)
        await Self.saveLearned(
            learnedToSave(state: state, saved: &learnedSaved, now: env.clock.now), store: env.store,
            server: learnedServer, logger: logger)
        if let batch = recorder.takeBatch() {
            let writer = recorder.writer
            try await writer.commit(batch)
        }
        runStats?.pass(now: env.clock.now, inFlight: 0)
        try await runStats?.save(lanes: env.lanes)
        if let reason = state.stopReason { return .stopped(reason) }
        // After a drain or a hard stop, unrecorded requests stay pending for the next run.
        return state.draining || !state.isFinished ? .drained : .finished
    }
}
