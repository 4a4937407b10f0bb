import BatchCore

extension QueueTransaction {
    /// The budget learned for `model` on `server`, whatever its age; nil when none was saved.
    public func learnedBudget(server: String, model: String) throws -> LearnedBudget? {
        let statement = try connection.statement(
            """
            SELECT requests_per_minute, tokens_per_minute, concurrency_window, learned_at
            FROM lane_budgets WHERE server = ? AND model = ?
            """)
        try statement.bind(server, model)
        guard try statement.step() else { return nil }
        return LearnedBudget(
            requestsPerMinute: statement.isNull(0) ? nil : statement.double(0),
            tokensPerMinute: statement.isNull(1) ? nil : statement.double(1),
            window: statement.int(2), learnedAt: Timestamp(milliseconds: statement.int64(3)))
    }

    /// Saves `budget` for `model` on `server`, replacing what was saved before.
    public func saveLearnedBudget(_ budget: LearnedBudget, server: String, model: String) throws {
        try connection.statement(
            """
            INSERT INTO lane_budgets (server, model, requests_per_minute, tokens_per_minute, concurrency_window, learned_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (server, model) DO UPDATE SET
                requests_per_minute = excluded.requests_per_minute,
                tokens_per_minute = excluded.tokens_per_minute,
                concurrency_window = excluded.concurrency_window, learned_at = excluded.learned_at
            """
        ).bind(
            server, model, budget.requestsPerMinute, budget.tokensPerMinute, budget.window,
            budget.learnedAt.milliseconds
        ).run()
    }
}
