/// Every migration batchd has shipped, in order. Append only; never edit a shipped entry.
public enum Migrations {
    public static let all: [Migration] = [
        v1Initial, v2RequestCost, v3LeanRequests, v4LineHash, v5StopRequest, v6LaneBudgets, v7ErrorsSwap,
        v8RunStats, v9RemoteBatches, v10AnswerCache, v10BatchUsage, v11KeptBodies,
    ]

    /// Jobs, their requests (one row per valid input line; bodies stay in the input file) and
    /// token usage per job and model.
    static let v1Initial = Migration(
        "2026-11-22-initial",
        sql: """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                input_path TEXT NOT NULL CHECK (input_path <> ''),
                endpoint TEXT NOT NULL CHECK (endpoint <> ''),
                priority INTEGER NOT NULL DEFAULT 0,
                state TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued','running','paused','completed','failed','cancelled')),
                state_code TEXT,
                state_reason TEXT,
                options TEXT NOT NULL DEFAULT '{}',
                created_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                run_ms INTEGER NOT NULL DEFAULT 0 CHECK (run_ms >= 0),
                input_size INTEGER NOT NULL CHECK (input_size >= 0),
                input_mtime_ns INTEGER NOT NULL,
                input_hash INTEGER,
                ingest_offset INTEGER NOT NULL DEFAULT 0 CHECK (ingest_offset >= 0),
                ingest_line INTEGER NOT NULL DEFAULT 0 CHECK (ingest_line >= 0),
                ingest_done INTEGER NOT NULL DEFAULT 0 CHECK (ingest_done IN (0, 1)),
                results_bytes INTEGER NOT NULL DEFAULT 0 CHECK (results_bytes >= 0),
                errors_bytes INTEGER NOT NULL DEFAULT 0 CHECK (errors_bytes >= 0),
                requests_total INTEGER NOT NULL DEFAULT 0 CHECK (requests_total >= 0),
                rejected INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
                succeeded INTEGER NOT NULL DEFAULT 0 CHECK (succeeded >= 0),
                failed INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                throttled INTEGER NOT NULL DEFAULT 0 CHECK (throttled >= 0),
                owner_pid INTEGER,
                owner_token TEXT,
                lease_until INTEGER,
                CHECK (succeeded + failed <= requests_total),
                CHECK ((owner_token IS NULL) = (owner_pid IS NULL))
            );
            CREATE INDEX jobs_by_state ON jobs (state, priority DESC, id);
            CREATE INDEX jobs_by_input ON jobs (input_path, id);

            CREATE TABLE requests (
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                line INTEGER NOT NULL CHECK (line > 0),
                offset INTEGER NOT NULL CHECK (offset >= 0),
                length INTEGER NOT NULL CHECK (length > 0),
                custom_id TEXT NOT NULL CHECK (custom_id <> ''),
                url TEXT NOT NULL,
                model TEXT NOT NULL CHECK (model <> ''),
                state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                PRIMARY KEY (job_id, line)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX requests_by_custom_id ON requests (job_id, custom_id);
            CREATE INDEX requests_pending ON requests (job_id, line) WHERE state = 0;

            CREATE TABLE job_usage (
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

    /// Each request's estimated token cost, computed at ingest, so a lane can charge its
    /// tokens-per-minute budget before sending without reading the body again.
    static let v2RequestCost = Migration(
        "2026-11-22-request-cost",
        sql: "ALTER TABLE requests ADD COLUMN cost INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0)"
    )

    /// A leaner `requests` table, for large jobs (fewer bytes and less index work per request):
    /// - the operation and the model, the same few texts on every row, move to `request_targets`
    ///   (one row per distinct pair), referenced by `target_id`;
    /// - the partial index `requests_pending` goes: the dispatcher reads pending requests in line
    ///   order from a line it already passed, which the primary key serves, so the index only cost
    ///   a write per ingested and per recorded request.
    /// The unique index on `(job_id, custom_id)` and every CHECK and foreign key stay.
    static let v3LeanRequests = Migration(
        "2026-11-22-requests-lean",
        sql: """
            CREATE TABLE request_targets (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL CHECK (url <> ''),
                model TEXT NOT NULL CHECK (model <> ''),
                UNIQUE (url, model)
            );
            INSERT INTO request_targets (url, model) SELECT DISTINCT url, model FROM requests ORDER BY url, model;

            CREATE TABLE requests_lean (
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                line INTEGER NOT NULL CHECK (line > 0),
                offset INTEGER NOT NULL CHECK (offset >= 0),
                length INTEGER NOT NULL CHECK (length > 0),
                target_id INTEGER NOT NULL REFERENCES request_targets (id),
                state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at INTEGER NOT NULL DEFAULT 0,
                cost INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
                last_error TEXT,
                custom_id TEXT NOT NULL CHECK (custom_id <> ''),
                PRIMARY KEY (job_id, line)
            ) WITHOUT ROWID;
            INSERT INTO requests_lean (
                job_id, line, offset, length, target_id, state, attempts, next_attempt_at, cost, last_error,
                custom_id)
            SELECT r.job_id, r.line, r.offset, r.length, t.id, r.state, r.attempts, r.next_attempt_at, r.cost,
                r.last_error, r.custom_id
            FROM requests AS r JOIN request_targets AS t ON t.url = r.url AND t.model = r.model;
            DROP TABLE requests;
            ALTER TABLE requests_lean RENAME TO requests;
            CREATE UNIQUE INDEX requests_by_custom_id ON requests (job_id, custom_id);
            """
    )

    /// Each request's line hash (see `NewRequest.lineHash`), written at ingest and compared when
    /// the line is read back to be sent, so a line edited in place (same length, its file's size and
    /// modification time kept) is never sent. A 32-bit value stored as a signed one: at most 4 bytes
    /// a row. NULL for requests ingested before this migration: they are checked by their
    /// `custom_id`, model and operation only, as before.
    static let v4LineHash = Migration(
        "2026-12-04-request-line-hash",
        sql: """
            ALTER TABLE requests ADD COLUMN line_hash INTEGER
                CHECK (line_hash BETWEEN -2147483648 AND 2147483647)
            """
    )

    /// What a user asked of a running job (`batchctl pause`, `batchctl cancel`; see `StopRequest`):
    /// the process that runs it polls this column and stops; NULL when nothing is asked.
    static let v5StopRequest = Migration(
        "2026-12-04-stop-request",
        sql: "ALTER TABLE jobs ADD COLUMN stop_request TEXT CHECK (stop_request IN ('pause', 'cancel'))"
    )

    /// What each lane learned of its server's limits (`LearnedBudget`), so that the next process
    /// starts from it: one row per server (its base URL, never a key) and model, replaced at each
    /// save. Rates per minute; NULL when not known. `learned_at` in milliseconds since 1970. (Named
    /// to sort after the migration of the same day before it: `applied` orders by time, then name.)
    static let v6LaneBudgets = Migration(
        "2026-12-04-stored-lane-budgets",
        sql: """
            CREATE TABLE lane_budgets (
                server TEXT NOT NULL CHECK (server <> ''),
                model TEXT NOT NULL CHECK (model <> ''),
                requests_per_minute REAL CHECK (requests_per_minute IS NULL OR requests_per_minute > 0),
                tokens_per_minute REAL CHECK (tokens_per_minute IS NULL OR tokens_per_minute > 0),
                concurrency_window INTEGER NOT NULL CHECK (concurrency_window > 0),
                learned_at INTEGER NOT NULL,
                PRIMARY KEY (server, model)
            ) WITHOUT ROWID
            """
    )

    /// Set while `batchctl retry` replaces a job's errors file by a copy without the lines it sends
    /// again (written as `<errors>.retry`, then renamed): whoever opens the job's outputs next
    /// finishes the rename first (see `ErrorsSwap`), since the recorded length is the new file's.
    static let v7ErrorsSwap = Migration(
        "2026-12-04-swap-errors-file",
        sql:
            "ALTER TABLE jobs ADD COLUMN errors_swap INTEGER NOT NULL DEFAULT 0 CHECK (errors_swap IN (0, 1))"
    )

    /// What the job report adds up over a job's runs and cannot read back from the requests:
    /// latency histograms, the 10-second timeline, the time spent waiting for quota against the
    /// time spent sending, the lanes' learned limits. One JSON document per job (`RunStats` in
    /// BatchEngine), replaced whole at each save; gone with its job.
    static let v8RunStats = Migration(
        "2026-12-04-timing-stats",
        sql: """
            CREATE TABLE run_stats (
                job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
                stats TEXT NOT NULL CHECK (stats <> '')
            )
            """
    )
}
