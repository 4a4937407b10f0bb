extension QueueTransaction {
    /// How many requests one multi-row INSERT carries (8 parameters each, far below SQLite's limit).
    static let insertBatchRows = 64

    /// Records `requests` in order, as ``insertRequest(job:_:)`` would one by one, and returns the
    /// indices (into `requests`) of those not recorded because the job already had, or an earlier
    /// element of `requests` had, the same `custom_id`.
    ///
    /// Runs one multi-row `INSERT OR IGNORE` per ``insertBatchRows`` requests, so the
    /// per-statement cost is paid once per batch instead of once per request; only a batch that
    /// recorded fewer rows than it carried is looked at row by row.
    public func insertRequests(job: Int64, _ requests: [NewRequest]) throws -> [Int] {
        var refused: [Int] = []
        var start = requests.startIndex
        while start < requests.endIndex {
            let end = min(start + Self.insertBatchRows, requests.endIndex)
            try insertBatch(job: job, requests[start..<end], refused: &refused)
            start = end
        }
        return refused
    }

    private func insertBatch(job: Int64, _ batch: ArraySlice<NewRequest>, refused: inout [Int]) throws {
        let sql = batch.count == Self.insertBatchRows ? Self.fullBatchSQL : Self.insertSQL(rows: batch.count)
        let statement = try connection.statement(sql)
        var position: Int32 = 1
        for request in batch {
            let target = try targetID(path: request.path, model: request.model)
            try statement.bind(job, at: position).bind(request.line, at: position + 1)
                .bind(request.offset, at: position + 2).bind(request.length, at: position + 3)
                .bind(target, at: position + 4).bind(request.cost, at: position + 5)
                .bind(request.customID, at: position + 6).bind(request.storedLineHash, at: position + 7)
            position += 8
        }
        try statement.run()
        guard connection.changes < batch.count else { return }
        // Some were ignored (rare: a duplicate custom_id): a request was recorded exactly when the
        // row holding its custom_id is its own line.
        for index in batch.indices {
            let request = batch[index]
            if try line(ofCustomID: request.customID, job: job) != request.line { refused.append(index) }
        }
    }

    private static let fullBatchSQL = insertSQL(rows: insertBatchRows)

    /// The multi-row insert for `rows` requests (statements are cached by their text).
    static func insertSQL(rows: Int) -> String {
        let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
        return
            "INSERT OR IGNORE INTO requests (job_id, line, offset, length, target_id, cost, custom_id, line_hash)"
            + " VALUES "
            + values
    }
}
