import BatchConfig
import BatchCore
import BatchStore
import BatchThreads
import BatchTransport
import Logging
import Synchronization

/// Runs one job to its end, or until it is stopped: claim it, recover its outputs, ingest what is
/// left of its input, send every pending request, record every outcome, write the report.
///
/// Recovery rules on start: output files are cut to their committed lengths; requests not
/// recorded (in flight when the last run died) are pending and sent again; a resumed job whose
/// input changed stops (`paused`, `input_modified`) instead of sending a wrong body, and one whose
/// input was only touched (same size and content hash) runs on (``InputCheck``).
public final class JobRunner: Sendable {
    public let jobID: Int64
    public let environment: RunEnvironment
    public let progress = RunProgress()
    private let signals = Mutex<Signals>(Signals())

    private struct Signals {
        var drainRequested = false
        var continuation: AsyncStream<RunEvent>.Continuation?
        /// What a user asked (`batchctl pause`, `cancel`), seen on the job's row.
        var userStop: StopRequest?
    }

    public init(jobID: Int64, environment: RunEnvironment) {
        self.jobID = jobID
        self.environment = environment
    }

    /// Asks the run to stop gracefully: no new request starts; those in flight are awaited (up to
    /// the drain timeout) and recorded; the job goes back to `queued`.
    public func drain() {
        let continuation = signals.withLock { signals in
            signals.drainRequested = true
            return signals.continuation
        }
        continuation?.yield(.drain)
    }

    /// Stops the run for a user's `request` (``watchStopRequests()``): drains it, then ends it
    /// paused or cancelled. A cancel overrides a pause; a pause never overrides a cancel.
    func stop(for request: StopRequest) {
        let (changed, continuation) = signals.withLock {
            signals -> (Bool, AsyncStream<RunEvent>.Continuation?) in
            guard signals.userStop != request, signals.userStop != .cancel else { return (false, nil) }
            signals.userStop = request
            signals.drainRequested = true
            return (true, signals.continuation)
        }
        if changed { continuation?.yield(.drain) }
    }

    /// The stop a user asked of this run, if any.
    var userStop: StopRequest? { signals.withLock { $0.userStop } }

    /// Whether a graceful stop (or a user's) was asked of this run.
    var drainRequested: Bool { signals.withLock { $0.drainRequested } }

    /// Runs the job and returns how it ended.
    public func run() async throws -> JobRunOutcome {
        let env = environment
        let start = env.clock.now
        let claim = try await env.store.claim(
            job: jobID, by: env.identity, now: start, lease: env.lease, isAlive: RunOwner.isAlive
        )
        let job: JobRecord
        switch claim {
        case .claimed(let claimed): job = claimed
        case .busy(let pid): throw BatchdError.jobBusy(jobID, pid: pid)
        case .notFound: throw BatchdError.jobNotFound(jobID)
        case .notRunnable: return .notRunnable(try await env.store.job(jobID))
        }
        // A stop asked before the claim is acted on before anything is sent; later ones within a poll.
        if let request = try await env.store.stopRequest(job: jobID) { stop(for: request) }
        let watcher = Task { await self.watchStopRequests() }
        defer { watcher.cancel() }
        var logger = env.logger
        logger[metadataKey: "job"] = "\(jobID)"
        logger.info("job started", metadata: ["input": "\(job.inputPath)", "endpoint": "\(job.endpoint)"])
        let outcome: DispatchOutcome
        do {
            outcome = try await runClaimed(job, logger: logger)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Any other failure (the input unreadable, the disk full, a database error) pauses the
            // job with its reason, so that `batchctl status` shows it and nothing is retried blindly.
            let reason = error as? BatchdError ?? .runError("\(error)")
            return .paused(
                try await pause(reason, runTime: start.duration(to: env.clock.now), logger: logger))
        }
        return try await finish(outcome, runTime: start.duration(to: env.clock.now), logger: logger)
    }

    private func runClaimed(_ job: JobRecord, logger: Logger) async throws -> DispatchOutcome {
        let env = environment
        let files = OutputFiles(input: job.inputPath)
        // A retry's swap of the errors file left halfway is finished before the file is opened.
        try await ErrorsSwap.finish(job: jobID, store: env.store, errorsPath: files.errors)
        let results = try OutputFile(path: files.results, committedLength: job.committedOutput.resultsBytes)
        let errors = try OutputFile(path: files.errors, committedLength: job.committedOutput.errorsBytes)
        // Resolved before ingest: on Azure, `body.model` is a deployment name and ingest checks it.
        let endpoint: Endpoint
        do {
            endpoint = try env.settings.endpoint(named: job.endpoint)
        } catch let error as ConfigurationError {
            throw BatchdError.configuration(error.message)
        }
        if !job.ingest.done {
            progress.update { $0.phase = .ingesting }
            let parser = BatchLineParser(
                acceptedPaths: APIPath.supported, modelNamesAzureDeployment: endpoint.isAzure)
            // Seconds to minutes of reading and SQLite for a large input: on a thread of its own.
            try await BlockingWork.runOnOwnThread(name: "batchd-ingest") {
                var renewed = env.clock.now
                try Ingestor(parser: parser, uploadPolicy: env.settings.uploadPolicy).run(
                    job: job, store: env.store, errors: errors
                ) {
                    let now = env.clock.now
                    if now.milliseconds - renewed.milliseconds >= env.lease.wholeMillisecondsRoundedUp / 3 {
                        try env.renewLeaseBlocking(job: self.jobID, now: now)
                        renewed = now
                    }
                }
            }
        } else {
            try await verifyInput(job)
        }
        let current = try await env.store.job(jobID)
        progress.update {
            $0.counts = current.counts
            $0.phase = .sending
        }
        let sender = RequestSender(
            endpoint: endpoint, transport: env.transport, input: try InputFile(path: job.inputPath),
            timeout: { [settings = env.settings] model in
                settings.requestTimeout(job: job.settings, endpoint: job.endpoint, model: model)
            }, uploadPolicy: env.settings.uploadPolicy,
            clock: env.clock)
        let cache = try await cacheLookup(job, resultsPath: files.results)
        let recorder = OutcomeRecorder(
            store: env.store, jobID: jobID, results: results, errors: errors, cacheSource: cache?.source,
            keepBodies: env.settings.cacheKeepBodies)
        var loop = DispatchLoop(
            jobID: jobID, endpointName: endpoint.name, settings: job.settings,
            weight: FairShare.weight(priority: job.priority), input: current.fingerprint,
            sender: sender,
            recorder: recorder,
            environment: env, progress: progress, logger: logger, spendGate: try await spendGate(current))
        // Pages of at least two packs, so that packs are full.
        let pack =
            env.settings.resolved(job: job.settings, endpoint: job.endpoint, model: nil)
            .embeddingInputsPerRequest ?? Settings.defaultEmbeddingInputsPerRequest
        loop.pageSize = max(loop.pageSize, 2 * min(pack, Settings.maximumEmbeddingInputsPerRequest))
        loop.cache = cache?.lookup
        loop.runStats = try await RunStatsRecorder.load(job: jobID, store: env.store, metrics: env.metrics)
        let (events, continuation) = AsyncStream.makeStream(of: RunEvent.self)
        let alreadyDraining = signals.withLock { signals in
            signals.continuation = continuation
            return signals.drainRequested
        }
        defer { signals.withLock { $0.continuation = nil } }
        // Drained before sending began: start no request at all (the loop's first pass would send
        // before it reads the drain event).
        // A job via the Batch API waits for its remote batches first; the live loop sends the rest.
        let offloadDrained =
            alreadyDraining
            ? false
            : try await offloadIfAsked(
                current, endpoint: endpoint, writer: recorder.writer,
                cache: cache.map { OffloadCache(lookup: $0.lookup, sender: sender) }, logger: logger)
        // The batches' answers become entries now: the live run answers their repeats from them.
        if cache != nil { try await recorder.writer.flushCacheEntries() }
        let outcome =
            alreadyDraining || offloadDrained
            ? .drained : try await loop.run(events: events, continuation: continuation)
        try await recorder.writer.flushCacheEntries()
        if case .drained = outcome, userStop == .cancel {
            try await cancelRemoteBatches(endpoint: endpoint, logger: logger)
            _ = try await CancelledLines.write(store: env.store, job: jobID, writer: recorder.writer)
        }
        return outcome
    }

    /// A resumed job's check of its input: the whole file is hashed (seconds for gigabytes, on a
    /// thread of its own). Throws `input_modified` when it changed; a file only touched gets its new
    /// modification time recorded.
    private func verifyInput(_ job: JobRecord) async throws {
        switch await InputCheck.check(path: job.inputPath, against: job.fingerprint, hashing: .always) {
        case .unchanged:
            return
        case .touched(let time):
            _ = try await environment.store.recordInputTouched(
                job: jobID, modificationNanoseconds: time, hash: job.fingerprint.hash ?? 0)
        case .changed(let error):
            throw error
        }
    }

    private func finish(_ outcome: DispatchOutcome, runTime: Duration, logger: Logger) async throws
        -> JobRunOutcome
    {
        let env = environment
        switch outcome {
        case .stopped(let reason):
            return .paused(try await pause(reason, runTime: runTime, logger: logger))
        case .drained:
            if let request = userStop {
                return try await endUserStop(request, runTime: runTime, logger: logger)
            }
            let job = try await env.store.requeueDrained(
                job: jobID, by: env.identity, runTime: runTime, now: env.clock.now)
            logger.info("job drained")
            return .drained(job)
        case .finished:
            // The report is written before the job is completed: a completed job always has one.
            let summary = try await env.store.usageSummary(job: jobID)
            var job = summary.job
            if env.settings.resolved(job: job.settings, endpoint: job.endpoint, model: nil).ordered == true {
                // Seconds for gigabytes of outputs: on a thread of its own.
                let files = OutputFiles(input: job.inputPath)
                try await BlockingWork.runOnOwnThread(name: "batchd-order") {
                    try OutputOrdering.order(path: files.results)
                    try OutputOrdering.order(path: files.errors)
                }
            }
            job.state = .completed
            job.finishedAt = env.clock.now
            job.runMilliseconds += runTime.wholeMillisecondsRoundedUp  // this run's, added only at `complete`
            try await JobReport.writeFinal(
                job: job, summary: summary, store: env.store, prices: env.settings.prices)
            let done = try await env.store.complete(
                job: jobID, by: env.identity, runTime: runTime, now: job.finishedAt ?? env.clock.now)
            progress.update {
                $0.counts = done.counts
                $0.phase = .finished
            }
            logger.info(
                "job completed",
                metadata: [
                    "succeeded": "\(done.counts.succeeded)", "failed": "\(done.counts.failed)",
                    "rejected": "\(done.counts.rejected)",
                ])
            return .completed(done)
        }
    }

    private func pause(_ reason: BatchdError, runTime: Duration, logger: Logger) async throws -> JobRecord {
        let env = environment
        let job = try await env.store.pause(
            job: jobID, by: env.identity, reason: reason, runTime: runTime, now: env.clock.now)
        logger.warning("job paused", metadata: ["code": "\(reason.code)", "reason": "\(reason.message)"])
        return job
    }
}

/// How a run of a job ended.
public enum JobRunOutcome: Sendable {
    /// Every valid line has its output line; the report is written.
    case completed(JobRecord)
    /// The job stopped and waits for a user (`state_code` and `state_reason` say why).
    case paused(JobRecord)
    /// A graceful stop: the job is queued again with its progress kept.
    case drained(JobRecord)
    /// The job was not runnable (already completed, paused, …); nothing was done.
    case notRunnable(JobRecord)
    /// A user cancelled the job: every line has its output line (`cancelled` for those that had
    /// none); the report is written.
    case cancelled(JobRecord)

    public var job: JobRecord {
        switch self {
        case .completed(let job), .paused(let job), .drained(let job), .notRunnable(let job),
            .cancelled(let job):
            return job
        }
    }
}
