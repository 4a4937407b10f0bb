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

    public init(
        line: Int, offset: Int64, length: Int, customID: String, path: String, model: String, cost: Int = 0
    ) {
        self.line = line
        self.offset = offset
        self.length = length
        self.customID = customID
        self.path = path
        self.model = model
        self.cost = cost
    }
}

extension QueueTransaction {
    /// Records a request. Returns `false`, recording nothing, when the job already has a request
    /// with the same `custom_id`.
    public func insertRequest(job: Int64, _ request: NewRequest) throws -> Bool {
        try connection.statement(
            """
            INSERT OR IGNORE INTO requests (job_id, line, offset, length, custom_id, url, model, cost)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            job, request.line, request.offset, request.length, request.customID, request.path, request.model,
            request.cost
        ).run()
        return connection.changes == 1
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
