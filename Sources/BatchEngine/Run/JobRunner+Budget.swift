import BatchConfig
import BatchCore
import BatchStore

extension JobRunner {
    /// The spending gate of `job` when it has a cap (`max_cost`, from the job's settings or the
    /// config's top level), with what its earlier runs spent reconciled from their usage.
    func spendGate(_ job: JobRecord) async throws -> SpendGate? {
        let env = environment
        guard let cap = env.settings.resolved(job: job.settings, endpoint: job.endpoint, model: nil).maxCost
        else { return nil }
        let summary = try await env.store.usageSummary(job: jobID)
        return SpendGate(jobID: jobID, maxCost: cap, prices: env.settings.prices, usage: summary.usage)
    }
}
