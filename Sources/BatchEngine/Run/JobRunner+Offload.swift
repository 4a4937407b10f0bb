import BatchConfig
import BatchCore
import BatchStore
import BatchTransport
import Foundation
import Logging

extension JobRunner {
    /// For a job `via batch` or `auto`: runs its remote batches to their end through `writer`
    /// (``JobOffload``) before the live run sends what is left. Nothing for a `live` job.
    ///
    /// A drain or a user's stop, checked every ``RunEnvironment/stopPoll`` interval, ends the wait
    /// at once and returns `true`: every remote step is recorded, so the next run resumes the
    /// batches where they are. A user's cancel then reaches the provider through
    /// ``cancelRemoteBatches(endpoint:logger:)``.
    func offloadIfAsked(
        _ job: JobRecord, endpoint: Endpoint, writer: OutcomeWriter, cache: OffloadCache?, logger: Logger
    ) async throws -> Bool {
        let env = environment
        let settings = env.settings.resolved(job: job.settings, endpoint: job.endpoint, model: nil)
        guard let via = settings.via, via != .live else { return false }
        let folder = ((env.store.path as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("uploads")
        let api = HTTPRemoteBatchAPI(endpoint: endpoint, transport: env.transport, clock: env.clock)
        let offload = JobOffload(
            job: job, endpoint: endpoint, store: env.store, api: api, clock: env.clock, writer: writer,
            settings: settings, workDirectory: folder, cache: cache)
        logger.info("sending through the Batch API", metadata: ["via": "\(via.rawValue)"])
        let drained = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                let released = try await offload.run()
                if released > 0 {
                    logger.info(
                        "lines the Batch API did not answer go live", metadata: ["lines": "\(released)"])
                }
                return false
            }
            group.addTask {
                while !self.drainRequested { try await env.stopPoll.clock.sleep(for: env.stopPoll.interval) }
                return true
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        let counts = try await env.store.job(jobID).counts
        progress.update { $0.counts = counts }
        return drained
    }

    /// After a user's cancel: cancels the job's unfinished remote batches at the provider and
    /// releases their lines for the `cancelled` error lines (``RemoteBatchCancel``); a batch the
    /// cancel did not reach is logged (it may still run, and cost, at the provider).
    func cancelRemoteBatches(endpoint: Endpoint, logger: Logger) async throws {
        let env = environment
        let api = HTTPRemoteBatchAPI(endpoint: endpoint, transport: env.transport, clock: env.clock)
        for problem in try await RemoteBatchCancel.run(
            job: jobID, store: env.store, api: api, clock: env.clock)
        {
            logger.warning("a remote batch was not cancelled", metadata: ["problem": "\(problem)"])
        }
    }
}
