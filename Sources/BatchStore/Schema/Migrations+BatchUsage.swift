extension Migrations {
    /// The part of a job's token usage that was answered through the provider's Batch API
    /// (`via batch|auto`), per model: `job_usage` keeps every answer's usage (live and batch), this
    /// table the batch subset, so the report prices each tier at its own rate (the batch price is
    /// typically half). A separate table, not a column of `job_usage`: that table's primary key
    /// would have to change, and a rebuild of a large table is a cost no reader needs.
    static let v10BatchUsage = Migration(
        "2026-12-07-batch-usage",
        sql: """
            CREATE TABLE job_batch_usage (
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                model TEXT NOT NULL,
                requests INTEGER NOT NULL DEFAULT 0 CHECK (requests >= 0),
                prompt_tokens INTEGER NOT NULL DEFAULT 0,
                completion_tokens INTEGER NOT NULL DEFAULT 0,
                total_tokens INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (job_id, model)
            ) WITHOUT ROWID;
            """
    )
}
