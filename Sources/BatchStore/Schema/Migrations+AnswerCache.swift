extension Migrations {
    /// The answer cache (``Store/cachedAnswers(keys:notBefore:)``): answers reused by content across
    /// jobs, without copying their bodies.
    /// - `answer_sources`: one row per run of a job that wrote answers the cache points to: the
    ///   results file's path and identity (device and inode) and when the run began, which is the
    ///   age of every entry it holds (an entry is never younger than it says);
    /// - `answer_cache`: one row per request identity (a 64-bit hash of the resolved target, the
    ///   operation and the canonical body: ``AnswerKey`` in BatchEngine), keyed by it: where the
    ///   answer's line lies (offset and length in the source's file) and the line's 32-bit hash,
    ///   checked when it is read back. Small on purpose (no body, no text): a few dozen bytes a row;
    /// - `cache_savings`: per job and model, the requests answered from the cache and the tokens
    ///   their answers reported (what the job did not pay for; never counted in `job_usage`).
    static let v10AnswerCache = Migration(
        "2026-12-06-answer-cache",
        sql: """
            CREATE TABLE answer_sources (
                id INTEGER PRIMARY KEY,
                job_id INTEGER NOT NULL,
                path TEXT NOT NULL CHECK (path <> ''),
                device INTEGER NOT NULL,
                inode INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE answer_cache (
                key INTEGER PRIMARY KEY,
                source INTEGER NOT NULL,
                offset INTEGER NOT NULL,
                length INTEGER NOT NULL,
                line_hash INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE cache_savings (
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                model TEXT NOT NULL,
                hits INTEGER NOT NULL DEFAULT 0 CHECK (hits >= 0),
                prompt_tokens INTEGER NOT NULL DEFAULT 0,
                completion_tokens INTEGER NOT NULL DEFAULT 0,
                total_tokens INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (job_id, model)
            ) WITHOUT ROWID;
            """
    )
}
