import BatchCore
import Foundation

extension QueueTransaction {
    /// Replaces `job`'s own settings (the `options` column; `endpoint` and `priority` keep their
    /// columns and are not changed here).
    public func updateSettings(job id: Int64, _ settings: JobSettings) throws {
        var stored = settings
        stored.endpoint = nil
        stored.priority = nil
        let options = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        try connection.statement("UPDATE jobs SET options = ? WHERE id = ?").bind(options, id).run()
    }
}

extension Store {
    /// Queues a paused job again with a new spending cap (`batchctl resume --max-cost`), in one
    /// transaction: a job that cannot be resumed keeps its settings.
    public func resume(job id: Int64, maxCost: Double, now: Timestamp) async throws -> ResumeOutcome {
        try await writing { tx in
            guard let job = try tx.job(id) else { return .notFound }
            if job.state.isFinal { return .final(job.state) }
            var settings = job.settings
            settings.maxCost = maxCost
            try tx.updateSettings(job: id, settings)
            return try tx.resume(job: id, now: now)
        }
    }
}
