import BatchCore

/// The tables that count tokens per job and model, all of one shape: `(job_id, model)` unique,
/// a count of requests, and prompt, completion and total tokens.
enum ModelUsageTable: String {
    /// Every answer's usage.
    case usage = "job_usage"
    /// The Batch API's answers, a subset of ``usage``.
    case batch = "job_batch_usage"
    /// Answers reused from the cache (the count is of hits; not part of ``usage``).
    case savings = "cache_savings"

    var countColumn: String { self == .savings ? "hits" : "requests" }
}

extension QueueTransaction {
    /// Adds `requests` and their `usage` to `job`'s row for `model` in `table`.
    func addModelUsage(
        _ table: ModelUsageTable, job: Int64, model: String, requests: Int, usage: TokenUsage
    ) throws {
        let column = table.countColumn
        try connection.statement(
            """
            INSERT INTO \(table.rawValue) (job_id, model, \(column), prompt_tokens, completion_tokens, total_tokens)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (job_id, model) DO UPDATE SET \(column) = \(column) + excluded.\(column),
                prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                completion_tokens = completion_tokens + excluded.completion_tokens,
                total_tokens = total_tokens + excluded.total_tokens
            """
        ).bind(job, model, requests, usage.promptTokens, usage.completionTokens, usage.totalTokens).run()
    }

    /// `table`'s rows per model, for `job`, or summed over every job when `job` is nil.
    func modelUsage(_ table: ModelUsageTable, job: Int64?) throws -> [ModelUsage] {
        let filter = job == nil ? "" : "WHERE job_id = ?"
        let statement = try connection.statement(
            """
            SELECT model, SUM(\(table.countColumn)), SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens)
            FROM \(table.rawValue) \(filter) GROUP BY model ORDER BY model
            """)
        if let job { try statement.bind(job) }
        var rows: [ModelUsage] = []
        while try statement.step() {
            rows.append(
                ModelUsage(
                    model: statement.string(0), requests: statement.int(1),
                    usage: TokenUsage(
                        promptTokens: statement.int(2), completionTokens: statement.int(3),
                        totalTokens: statement.int(4))))
        }
        return rows
    }
}
