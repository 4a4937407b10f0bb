import BatchConfig
import BatchCore
import BatchStore

extension JobRunner {
    /// The answer cache for this run of `job`, unless its mode is `off`: a new answer source for its
    /// results file (entries written by this run are as old as the run), and the lookup settings.
    func cacheLookup(_ job: JobRecord, resultsPath: String) async throws -> (
        source: Int64, lookup: CacheLookup
    )? {
        let env = environment
        let mode = env.settings.cacheMode(job: job.settings)
        guard mode != .off, let identity = FileIdentity.of(path: resultsPath) else { return nil }
        let source = try await env.store.openAnswerSource(
            job: job.id, path: resultsPath, device: identity.device, inode: identity.inode, now: env.clock.now
        )
        return (source, CacheLookup(mode: mode, maxAge: env.settings.cacheMaxAge))
    }
}
