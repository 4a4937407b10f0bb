import BatchCore

extension Store {
    /// How many jobs are in each state (states without jobs are absent), for the metrics.
    public func jobCountsByState() async throws -> [JobState: Int] {
        try await reading { try $0.jobCountsByState() }
    }
}

extension QueueTransaction {
    /// How many jobs are in each state.
    public func jobCountsByState() throws -> [JobState: Int] {
        let statement = try connection.statement("SELECT state, count(*) FROM jobs GROUP BY state")
        var counts: [JobState: Int] = [:]
        while try statement.step() {
            if let state = JobState(rawValue: statement.string(0)) { counts[state] = statement.int(1) }
        }
        return counts
    }
}
