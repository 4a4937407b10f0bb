import BatchConfig
import BatchCore
import BatchStore
import BatchThreads
import BatchTransport
import Logging

/// Finishes the cancel of a job no live process runs (`batchctl cancel` on a queued or paused
/// job, or one whose process died): claims it, reads what is left of its input (so that every
/// line is known), gives every line without an outcome a `cancelled` error line, writes the
/// report, and ends the job `cancelled`. Needs no endpoint and sends nothing.
///
/// Crash safety: the cancel request is recorded before the claim; a crash halfway leaves the
/// job's committed lines and the request, and whoever runs the job next finishes the cancel.
public struct JobCanceller: Sendable {
    public var store: Store
    public var settings: Settings
    public var clock: any BatchClock
    public var identity: RunOwner
    public var lease: Duration
    /// The transport to cancel the job's remote batches with (``RemoteBatchCancel``); without one
    /// they are not cancelled at the provider, and ``remoteProblems`` says so.
    public var transport: (any HTTPTransport)?

    public init(
        store: Store, settings: Settings, clock: any BatchClock = SystemClock(),
        identity: RunOwner = .current,
        lease: Duration = .seconds(30), transport: (any HTTPTransport)? = nil
    ) {
        self.transport = transport
        self.store = store
        self.settings = settings
        self.clock = clock
        self.identity = identity
        self.lease = lease
    }

    /// How a cancel this process tried to finish ended.
    public enum Outcome: Sendable, Equatable {
        /// The job is cancelled, its report written; `remoteProblems` names each remote batch the
        /// cancel did not reach at the provider (it may still run there).
        case cancelled(JobRecord, remoteProblems: [String] = [])
        /// A live process took the job meanwhile: it finishes the cancel (the request is recorded).
        case busy(pid: Int32)
        /// The job had ended already.
        case final(JobState)
    }

    public func cancel(job id: Int64) async throws -> Outcome {
        let start = clock.now
        let claimed: JobRecord
        switch try await store.claimForCancel(
            job: id, by: identity, now: start, lease: lease, isAlive: RunOwner.isAlive)
        {
        case .claimed(let job): claimed = job
        case .busy(let pid): return .busy(pid: pid)
        case .notRunnable(let state): return .final(state)
        case .notFound: throw BatchdError.jobNotFound(id)
        }
        let files = OutputFiles(input: claimed.inputPath)
        try await ErrorsSwap.finish(job: id, store: store, errorsPath: files.errors)
        let results = try OutputFile(
            path: files.results, committedLength: claimed.committedOutput.resultsBytes)
        let errors = try OutputFile(path: files.errors, committedLength: claimed.committedOutput.errorsBytes)
        if !claimed.ingest.done {
            // The rest of the input is read as a run would read it (rejected lines to the errors
            // file), the claim renewed as it goes; lines are checked as for the job's endpoint
            // when it resolves here.
            let isAzure = (try? settings.endpoint(named: claimed.endpoint))?.isAzure ?? false
            let parser = BatchLineParser(acceptedPaths: APIPath.supported, modelNamesAzureDeployment: isAzure)
            let (store, clock, identity, lease, policy) = (
                store, clock, identity, lease, settings.uploadPolicy
            )
            try await BlockingWork.runOnOwnThread(name: "batchd-ingest") {
                var renewed = clock.now
                try Ingestor(parser: parser, uploadPolicy: policy).run(
                    job: claimed, store: store, errors: errors
                ) {
                    let now = clock.now
                    if now.milliseconds - renewed.milliseconds >= lease.wholeMillisecondsRoundedUp / 3 {
                        _ = try store.renewLeaseBlocking(
                            job: id, by: identity, until: now.advanced(by: lease))
                        renewed = now
                    }
                }
            }
        }
        let endpoint = try? settings.endpoint(named: claimed.endpoint)
        let api = endpoint.flatMap { endpoint in
            transport.map { HTTPRemoteBatchAPI(endpoint: endpoint, transport: $0, clock: clock) }
        }
        let problems = try await RemoteBatchCancel.run(job: id, store: store, api: api, clock: clock)
        let writer = OutcomeWriter(store: store, jobID: id, results: results, errors: errors)
        _ = try await CancelledLines.write(store: store, job: id, writer: writer)
        let job = try await JobRunner.writeCancelledReport(
            store: store, prices: settings.prices, job: id, now: clock.now)
        return .cancelled(
            try await store.endCancelled(
                job: id, by: identity, runTime: start.duration(to: clock.now),
                now: job.finishedAt ?? clock.now), remoteProblems: problems)
    }
}
