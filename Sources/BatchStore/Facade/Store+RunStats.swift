import BatchCore

/// The job report's statistics that the requests do not hold (``Migrations`` `run_stats`): an
/// opaque JSON document per job, written by the run and read back by the next one and the report.
extension Store {
    /// The statistics saved for `job`, or `nil` when none were.
    public func runStats(job id: Int64) async throws -> String? {
        try await reading { try $0.runStats(job: id) }
    }

    /// Replaces the statistics saved for `job` with `stats` (one transaction).
    public func saveRunStats(job id: Int64, stats: String) async throws {
        try await writing { try $0.saveRunStats(job: id, stats: stats) }
    }
}

extension QueueTransaction {
    /// The statistics saved for `job`, if any.
    public func runStats(job id: Int64) throws -> String? {
        let statement = try connection.statement("SELECT stats FROM run_stats WHERE job_id = ?")
        try statement.bind(id)
        guard try statement.step() else { return nil }
        return statement.string(0)
    }

    /// Inserts or replaces the statistics of `job`.
    func saveRunStats(job id: Int64, stats: String) throws {
        try connection.statement(
            """
            INSERT INTO run_stats (job_id, stats) VALUES (?, ?)
            ON CONFLICT (job_id) DO UPDATE SET stats = excluded.stats
            """
        ).bind(id, stats).run()
    }
}
