import BatchCore

extension QueueTransaction {
    static let remoteBatchColumns = """
        id, job_id, part, url, model, tag, lines, bytes, step, input_file_id, batch_id, status, total,
        completed, failed, output_file_id, error_file_id
        """

    /// Inserts the intent row of `plan` and takes its lines; throws ``RemoteBatchConflict`` when
    /// one of them is done or already in another remote batch (the caller's transaction then
    /// rolls back, taking nothing).
    func insertRemoteBatch(job id: Int64, _ plan: RemoteBatchPlan, now: Timestamp) throws -> Int64 {
        let next = try connection.statement(
            "SELECT COALESCE(MAX(part), 0) + 1 FROM remote_batches WHERE job_id = ?")
        try next.bind(id)
        _ = try next.step()
        let part = next.int(0)
        let tag = RemoteBatchTag.make(job: id, part: part, contentHash: plan.contentHash)
        try connection.statement(
            """
            INSERT INTO remote_batches (job_id, part, url, model, tag, content_hash, lines, bytes,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            id, part, plan.url, plan.model, tag, plan.contentHash, plan.lines.count, plan.bytes,
            now.milliseconds, now.milliseconds
        ).run()
        let row = connection.lastInsertRowID
        let take = """
            UPDATE requests SET remote_batch = ?
            WHERE job_id = ? AND line = ? AND state = 0 AND remote_batch IS NULL
            """
        for line in plan.lines {
            try connection.statement(take).bind(row, id, line).run()
            guard connection.changes == 1 else { throw RemoteBatchConflict(line: line) }
        }
        return row
    }

    /// The remote batch `id`, if it exists.
    func remoteBatch(_ id: Int64) throws -> RemoteBatchRecord? {
        let statement = try connection.statement(
            "SELECT \(Self.remoteBatchColumns) FROM remote_batches WHERE id = ?")
        try statement.bind(id)
        return try statement.step() ? Self.remoteBatchRecord(statement) : nil
    }

    /// `job`'s remote batches by part.
    func remoteBatches(job id: Int64) throws -> [RemoteBatchRecord] {
        let statement = try connection.statement(
            "SELECT \(Self.remoteBatchColumns) FROM remote_batches WHERE job_id = ? ORDER BY part")
        try statement.bind(id)
        var records: [RemoteBatchRecord] = []
        while try statement.step() { records.append(Self.remoteBatchRecord(statement)) }
        return records
    }

    /// The lines `batch` holds now, in order.
    func remoteBatchLines(job: Int64, batch: Int64) throws -> [Int] {
        let statement = try connection.statement(
            "SELECT line FROM requests WHERE job_id = ? AND remote_batch = ? ORDER BY line")
        try statement.bind(job, batch)
        var lines: [Int] = []
        while try statement.step() { lines.append(statement.int(0)) }
        return lines
    }

    /// The pending requests `batch` holds, in line order (the order of its upload's lines).
    func remoteBatchPending(job: Int64, batch: Int64) throws -> [PendingRequest] {
        let statement = try connection.statement(
            """
            SELECT r.line, r.offset, r.length, r.custom_id, t.url, t.model, r.attempts, r.next_attempt_at, r.cost,
                r.line_hash
            FROM requests AS r CROSS JOIN request_targets AS t ON t.id = r.target_id
            WHERE r.job_id = ? AND r.remote_batch = ? AND r.state = 0 ORDER BY r.line
            """)
        try statement.bind(job, batch)
        var requests: [PendingRequest] = []
        while try statement.step() {
            requests.append(
                PendingRequest(
                    line: statement.int(0), offset: statement.int64(1), length: statement.int(2),
                    customID: statement.string(3), path: statement.string(4), model: statement.string(5),
                    attempts: statement.int(6), nextAttemptAt: Timestamp(milliseconds: statement.int64(7)),
                    cost: statement.int(8),
                    lineHash: statement.optionalInt64(9).map { UInt32(truncatingIfNeeded: $0) }))
        }
        return requests
    }

    /// Moves `batch` to `step` with the given remote facts; refuses to move backwards.
    func advanceRemoteBatch(
        _ batch: Int64, to step: RemoteBatchStep, inputFileID: String? = nil, batchID: String? = nil,
        status: RemoteBatchStatus? = nil, now: Timestamp
    ) throws {
        guard let current = try remoteBatch(batch) else { throw RemoteBatchMissing(id: batch) }
        let order = RemoteBatchStep.allCases
        guard order.firstIndex(of: step)! >= order.firstIndex(of: current.step)! else {
            throw RemoteBatchStepBackwards(id: batch, from: current.step, to: step)
        }
        try connection.statement(
            """
            UPDATE remote_batches SET step = ?, input_file_id = COALESCE(?, input_file_id),
                batch_id = COALESCE(?, batch_id), status = COALESCE(?, status),
                total = COALESCE(?, total), completed = COALESCE(?, completed), failed = COALESCE(?, failed),
                output_file_id = COALESCE(?, output_file_id), error_file_id = COALESCE(?, error_file_id),
                updated_at = ?
            WHERE id = ?
            """
        ).bind(
            step.rawValue, inputFileID, batchID, status?.status, status?.total, status?.completed,
            status?.failed, status?.outputFileID, status?.errorFileID, now.milliseconds, batch
        ).run()
    }

    /// Frees the lines of `batch` that are still pending, so another batch or the live path may
    /// take them; returns how many.
    func releaseRemoteBatchLines(job: Int64, batch: Int64) throws -> Int {
        try connection.statement(
            "UPDATE requests SET remote_batch = NULL WHERE job_id = ? AND remote_batch = ? AND state = 0"
        ).bind(job, batch).run()
        return connection.changes
    }

    /// Frees every pending line of `job` from the remote batch that holds it; returns how many.
    func releaseRemoteLines(job: Int64) throws -> Int {
        try connection.statement(
            "UPDATE requests SET remote_batch = NULL WHERE job_id = ? AND state = 0 AND remote_batch IS NOT NULL"
        ).bind(job).run()
        return connection.changes
    }

    private static func remoteBatchRecord(_ s: SQLiteStatement) -> RemoteBatchRecord {
        let status = s.optionalString(11).map {
            RemoteBatchStatus(
                status: $0, total: s.int(12), completed: s.int(13), failed: s.int(14),
                outputFileID: s.optionalString(15), errorFileID: s.optionalString(16))
        }
        return RemoteBatchRecord(
            id: s.int64(0), job: s.int64(1), part: s.int(2), url: s.string(3), model: s.string(4),
            tag: s.string(5), lines: s.int(6), bytes: s.int64(7),
            step: RemoteBatchStep(rawValue: s.string(8)) ?? .planned, inputFileID: s.optionalString(9),
            batchID: s.optionalString(10), remote: status)
    }
}

/// A line of a plan was done or in another remote batch: nothing of the plan was recorded.
public struct RemoteBatchConflict: Error, Sendable, Equatable {
    public var line: Int
}

/// No remote batch has this id.
public struct RemoteBatchMissing: Error, Sendable, Equatable {
    public var id: Int64
}

/// A recorded step was asked to go back (a bug in the caller; refused).
public struct RemoteBatchStepBackwards: Error, Sendable, Equatable {
    public var id: Int64
    public var from: RemoteBatchStep
    public var to: RemoteBatchStep
}
