import BatchConfig
import BatchCore
import BatchStore
import BatchTransport
import Foundation
import Logging

extension JobRunner {
    /// For a job `via batch` or `auto`: runs its remote batches to their end through `writer`
    /// (``JobOffload``) before the live run sends what is left. Nothing for a `live` job.
    func offloadIfAsked(_ job: JobRecord, endpoint: Endpoint, writer: OutcomeWriter, logger: Logger)
        async throws
    {
        let env = environment
        let settings = env.settings.resolved(job: job.settings, endpoint: job.endpoint, model: nil)
        guard let via = settings.via, via != .live else { return }
        let folder = ((env.store.path as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("uploads")
        let offload = JobOffload(
            job: job, endpoint: endpoint, store: env.store,
            api: HTTPRemoteBatchAPI(endpoint: endpoint, transport: env.transport, clock: env.clock),
            clock: env.clock, writer: writer, settings: settings, workDirectory: folder)
        logger.info("sending through the Batch API", metadata: ["via": "\(via.rawValue)"])
        let released = try await offload.run()
        let counts = try await env.store.job(jobID).counts
        progress.update { $0.counts = counts }
        if released > 0 {
            logger.info("lines the Batch API did not answer go live", metadata: ["lines": "\(released)"])
        }
    }
}
