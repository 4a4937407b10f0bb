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
    /// batches where they are. After a user's cancel, the unfinished remote batches are cancelled
    /// at the provider (best effort: their lines get `cancelled` error lines either way).
    func offloadIfAsked(_ job: JobRecord, endpoint: Endpoint, writer: OutcomeWriter, logger: Logger)
        async throws
        -> Bool
    {
        let env = environment
        let settings = env.settings.resolved(job: job.settings, endpoint: job.endpoint, model: nil)
        guard let via = settings.via, via != .live else { return false }
        let folder = ((env.store.path as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("uploads")
        let api = HTTPRemoteBatchAPI(endpoint: endpoint, transport: env.transport, clock: env.clock)
        let offload = JobOffload(
            job: job, endpoint: endpoint, store: env.store, api: api, clock: env.clock, writer: writer,
            settings: settings, workDirectory: folder)
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
        if drained, userStop == .cancel {
            for batch in try await env.store.remoteBatches(job: jobID) where batch.step == .created {
                if let batchID = batch.batchID { try? await api.cancel(batchID: batchID) }
            }
        }
        let counts = try await env.store.job(jobID).counts
        progress.update { $0.counts = counts }
        return drained
    }
}
