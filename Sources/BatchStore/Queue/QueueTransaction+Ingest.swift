import BatchCore

/// One valid input line, as ingest records it. The body stays in the input file.
public struct NewRequest: Sendable, Equatable {
    public var line: Int
    public var offset: Int64
    public var length: Int
    public var customID: String
    public var path: String
    public var model: String
    /// The estimated token cost (see `TokenCost`).
    public var cost: Int
    /// A 32-bit hash of the line's `length` bytes (`LineHash`), to tell when the line read back
    /// to be sent is no longer the line ingested; nil when unknown.
    public var lineHash: UInt32?

    public init(
        line: Int, offset: Int64, length: Int, customID: String, path: String, model: String, cost: Int = 0,
        lineHash: UInt32? = nil
    ) {
        self.line = line
        self.offset = offset
        self.length = length
        self.customID = customID
        self.path = path
        self.model = model
        self.cost = cost
        self.lineHash = lineHash
    }

    /// ``lineHash`` as the `line_hash` column stores it: the same 32 bits as a signed value, so
    /// SQLite needs 4 bytes for it, not 6.
    var storedLineHash: Int64? { lineHash.map { Int64(Int32(bitPattern: $0)) } }
}

extension QueueTransaction {
    /// Records a request. Returns `false`, recording nothing, when the job already has a request
    /// with the same `custom_id`.
    public func insertRequest(job: Int64, _ request: NewRequest) throws -> Bool {
        let target = try targetID(path: request.path, model: request.model)
        let statement = try connection.statement(
            """
            INSERT OR IGNORE INTO requests (job_id, line, offset, length, target_id, cost, custom_id, line_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind(job, at: 1).bind(request.line, at: 2).bind(request.offset, at: 3)
            .bind(request.length, at: 4).bind(target, at: 5).bind(request.cost, at: 6)
            .bind(request.customID, at: 7).bind(request.storedLineHash, at: 8).run()
        return connection.changes == 1
    }

    /// The id of the `request_targets` row for (`path`, `model`), added if new. Remembered for the
    /// rest of the transaction, so a chunk of lines for one model looks it up once.
    func targetID(path: String, model: String) throws -> Int64 {
        let key = RequestTargetKey(path: path, model: model)
        if let id = targets.id(for: key) { return id }
        try connection.statement("INSERT OR IGNORE INTO request_targets (url, model) VALUES (?, ?)")
            .bind(path, at: 1).bind(model, at: 2).run()
        let select = try connection.statement("SELECT id FROM request_targets WHERE url = ? AND model = ?")
        try select.bind(path, at: 1).bind(model, at: 2)
        guard try select.step() else {
            throw SQLiteError(code: 1, message: "request target \(path) \(model) not found after insert")
        }
        let id = select.int64(0)
        select.reset()
        targets.remember(key, id)
        return id
    }

    /// Records how far ingest got, in the same transaction as the requests and rejected lines of
    /// that stretch of input.
    public func recordIngest(
        job: Int64, progress: IngestProgress, addedRequests: Int, addedRejected: Int, errorsBytes: Int64,
        hash: UInt64?
    ) throws {
        try connection.statement(
            """
            UPDATE jobs SET ingest_offset = ?, ingest_line = ?, ingest_done = ?,
                requests_total = requests_total + ?, rejected = rejected + ?, errors_bytes = ?,
                input_hash = COALESCE(?, input_hash)
            WHERE id = ?
            """
        ).bind(
            progress.offset, progress.line, progress.done, addedRequests, addedRejected, errorsBytes,
            hash.map { Int64(bitPattern: $0) }, job
        ).run()
    }
}

extension QueueTransaction {
    /// The input line of `job`'s request with this `custom_id`, if any.
    public func line(ofCustomID customID: String, job: Int64) throws -> Int? {
        let statement = try connection.statement(
            "SELECT line FROM requests WHERE job_id = ? AND custom_id = ?")
        try statement.bind(job, customID)
        return try statement.step() ? statement.int(0) : nil
    }
}
