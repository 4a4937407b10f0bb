extension Migrations {
    /// The provider batches a job's lines are sent through (`via batch`; see `Store+RemoteBatches`):
    /// - `remote_batches`: one row per provider batch, written *before* anything is uploaded, with
    ///   its tag (the idempotency marker sent as the batch's metadata), then each remote id as it
    ///   becomes known, and the last status and `request_counts` seen;
    /// - `requests.remote_batch`: the batch a line is in now, NULL when it is in none; a column, so
    ///   a line is in at most one remote batch at a time by construction.
    /// A batch reaches `recorded` either through every step or straight from `planned` or
    /// `uploaded` when it is given up before it exists remotely (its lines released).
    static let v9RemoteBatches = Migration(
        "2026-12-05-remote-batches",
        sql: """
            CREATE TABLE remote_batches (
                id INTEGER PRIMARY KEY,
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                part INTEGER NOT NULL CHECK (part > 0),
                url TEXT NOT NULL CHECK (url <> ''),
                model TEXT NOT NULL CHECK (model <> ''),
                tag TEXT NOT NULL UNIQUE CHECK (tag <> ''),
                content_hash TEXT NOT NULL CHECK (content_hash <> ''),
                lines INTEGER NOT NULL CHECK (lines > 0),
                bytes INTEGER NOT NULL CHECK (bytes > 0),
                step TEXT NOT NULL DEFAULT 'planned'
                    CHECK (step IN ('planned','uploaded','created','ended','recorded')),
                input_file_id TEXT,
                batch_id TEXT,
                status TEXT,
                total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
                completed INTEGER NOT NULL DEFAULT 0 CHECK (completed >= 0),
                failed INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
                output_file_id TEXT,
                error_file_id TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (job_id, part),
                CHECK (step IN ('planned','recorded') OR input_file_id IS NOT NULL),
                CHECK (step IN ('planned','uploaded','recorded') OR batch_id IS NOT NULL)
            );
            ALTER TABLE requests ADD COLUMN remote_batch INTEGER REFERENCES remote_batches (id);
            """
    )
}
