import BatchCore

/// Where an earlier answer lies: a line of a results file (see ``Migrations/v10AnswerCache``).
public struct CachedAnswer: Sendable, Equatable {
    /// The answer source (``Store/openAnswerSource(job:path:device:inode:now:)``) it belongs to.
    public var source: Int64
    public var path: String
    /// The results file's identity when the line was written; another file at `path` is a miss.
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64
    public var length: Int
    /// The line's ``LineHash`` (over its bytes, newline included).
    public var lineHash: UInt32
    /// When the run that wrote it began (the entry is at least this old).
    public var createdAt: Timestamp
    /// The answer's `response`, deflated, when it was kept (`cache_keep_bodies`): used when the
    /// line is gone or changed (see ``Migrations/v11KeptBodies``).
    public var keptBody: [UInt8]?

    public init(
        source: Int64, path: String, device: UInt64, inode: UInt64, offset: Int64, length: Int,
        lineHash: UInt32, createdAt: Timestamp, keptBody: [UInt8]? = nil
    ) {
        self.keptBody = keptBody
        self.source = source
        self.path = path
        self.device = device
        self.inode = inode
        self.offset = offset
        self.length = length
        self.lineHash = lineHash
        self.createdAt = createdAt
    }
}

/// A new answer for the cache, recorded in the commit that covers its line.
public struct CacheEntry: Sendable, Equatable {
    public var key: Int64
    public var source: Int64
    public var offset: Int64
    public var length: Int
    public var lineHash: UInt32
    /// The answer's `response`, deflated, to keep in the database (`cache_keep_bodies`); nil: not kept.
    public var keptBody: [UInt8]?

    public init(
        key: Int64, source: Int64, offset: Int64, length: Int, lineHash: UInt32, keptBody: [UInt8]? = nil
    ) {
        self.keptBody = keptBody
        self.key = key
        self.source = source
        self.offset = offset
        self.length = length
        self.lineHash = lineHash
    }
}

/// What `batchctl cache stats` shows.
public struct CacheStats: Sendable, Equatable {
    public var entries: Int
    public var sources: Int
    /// Compressed copies kept by `cache_keep_bodies`, and their bytes.
    public var keptBodies: Int
    public var keptBodyBytes: Int
    /// When the oldest and newest sources' runs began (nil when there are none).
    public var oldest: Timestamp?
    public var newest: Timestamp?
    /// Requests answered from the cache, over every job in the database, and their tokens.
    public var hits: Int
    public var tokensSaved: TokenUsage
    /// Hits and tokens per model.
    public var models: [ModelUsage]
}

extension QueueTransaction {
    func insertAnswerSource(job: Int64, path: String, device: UInt64, inode: UInt64, now: Timestamp) throws
        -> Int64
    {
        try connection.statement(
            "INSERT INTO answer_sources (job_id, path, device, inode, created_at) VALUES (?, ?, ?, ?, ?)"
        ).bind(job, path, Int64(bitPattern: device), Int64(bitPattern: inode), now.milliseconds).run()
        return connection.lastInsertRowID
    }

    /// The entries of `keys` whose runs began at or after `notBefore`: one prepared statement, the
    /// keys probed in increasing order (neighbouring pages of the table are read once).
    func cachedAnswers(keys: [Int64], notBefore: Timestamp) throws -> [Int64: CachedAnswer] {
        let statement = try connection.statement(
            """
            SELECT c.source, s.path, s.device, s.inode, c.offset, c.length, c.line_hash, s.created_at, b.body
            FROM answer_cache AS c JOIN answer_sources AS s ON s.id = c.source
            LEFT JOIN answer_bodies AS b ON b.key = c.key AND b.source = c.source
            WHERE c.key = ?
            """)
        defer { statement.reset() }
        var found: [Int64: CachedAnswer] = [:]
        var previous: Int64? = nil
        for key in keys.sorted() where key != previous {
            previous = key
            statement.reset()
            try statement.bind(key, at: 1)
            guard try statement.step() else { continue }
            let createdAt = Timestamp(milliseconds: statement.int64(7))
            guard createdAt >= notBefore else { continue }
            found[key] = CachedAnswer(
                source: statement.int64(0), path: statement.string(1),
                device: UInt64(bitPattern: statement.int64(2)), inode: UInt64(bitPattern: statement.int64(3)),
                offset: statement.int64(4), length: statement.int(5),
                lineHash: UInt32(truncatingIfNeeded: statement.int64(6)), createdAt: createdAt,
                keptBody: statement.optionalBlob(8))
        }
        return found
    }

    /// Records `entries`; an entry replaces the one of its key (a fresh answer wins over an old or
    /// lost one).
    func insertCacheEntries(_ entries: [CacheEntry]) throws {
        guard !entries.isEmpty else { return }
        let statement = try connection.statement(
            "INSERT OR REPLACE INTO answer_cache (key, source, offset, length, line_hash) VALUES (?, ?, ?, ?, ?)"
        )
        for entry in entries {
            try statement.bind(
                entry.key, entry.source, entry.offset, entry.length, Int64(Int32(bitPattern: entry.lineHash))
            ).run()
            statement.reset()
        }
        let kept = entries.filter { $0.keptBody != nil }
        guard !kept.isEmpty else { return }
        // A body is used only with the entry of its own source: an entry replaced later by one
        // without a body leaves this one unused until its source is pruned.
        let bodies = try connection.statement(
            "INSERT OR REPLACE INTO answer_bodies (key, source, body) VALUES (?, ?, ?)")
        for entry in kept {
            try bodies.bind(entry.key, entry.source, entry.keptBody).run()
            bodies.reset()
        }
    }

    func addCacheSavings(job: Int64, model: String, hits: Int, usage: TokenUsage) throws {
        try addModelUsage(.savings, job: job, model: model, requests: hits, usage: usage)
    }

    /// Requests of `job` answered from the cache, and their tokens, per model (`requests`: hits).
    public func cacheSavings(job: Int64?) throws -> [ModelUsage] {
        try modelUsage(.savings, job: job)
    }

    func cacheStats() throws -> CacheStats {
        let counts = try connection.statement(
            """
            SELECT (SELECT COUNT(*) FROM answer_cache), COUNT(*), MIN(created_at), MAX(created_at),
                (SELECT COUNT(*) FROM answer_bodies), (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM answer_bodies)
            FROM answer_sources
            """)
        _ = try counts.step()
        let models = try cacheSavings(job: nil)
        var saved = TokenUsage()
        for model in models { saved += model.usage }
        return CacheStats(
            entries: counts.int(0), sources: counts.int(1), keptBodies: counts.int(4),
            keptBodyBytes: counts.int(5),
            oldest: counts.optionalInt64(2).map(Timestamp.init(milliseconds:)),
            newest: counts.optionalInt64(3).map(Timestamp.init(milliseconds:)),
            hits: models.reduce(0) { $0 + $1.requests }, tokensSaved: saved, models: models)
    }

    /// Forgets the entries of sources whose runs began before `cutoff`, and those sources.
    func pruneCache(before cutoff: Timestamp) throws -> (entries: Int, sources: Int) {
        try connection.statement(
            "DELETE FROM answer_bodies WHERE source IN (SELECT id FROM answer_sources WHERE created_at < ?)"
        ).bind(cutoff.milliseconds).run()
        try connection.statement(
            "DELETE FROM answer_cache WHERE source IN (SELECT id FROM answer_sources WHERE created_at < ?)"
        ).bind(cutoff.milliseconds).run()
        let entries = connection.changes
        try connection.statement("DELETE FROM answer_sources WHERE created_at < ?").bind(cutoff.milliseconds)
            .run()
        return (entries, connection.changes)
    }
}
