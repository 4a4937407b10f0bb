import BatchCore

/// The answer cache: earlier answers found by request identity, each pointing at its line in a
/// results file (the bodies stay there). Entries are written by ``commit(_:job:)`` (in the
/// transaction that commits the line they point to, or a later one) or ``recordCacheEntries(_:)``,
/// so an entry never points past what is durable.
extension Store {
    /// Records a new run of `job` whose results file (`path`, with its device and inode) answers will
    /// be cached in; returns its id. Its time is the age of every entry it gets.
    public func openAnswerSource(job: Int64, path: String, device: UInt64, inode: UInt64, now: Timestamp)
        async throws -> Int64
    {
        try await writing { tx in
            try tx.insertAnswerSource(job: job, path: path, device: device, inode: inode, now: now)
        }
    }

    /// The entries of `keys` whose runs began at or after `notBefore` (older ones are misses).
    public func cachedAnswers(keys: [Int64], notBefore: Timestamp) async throws -> [Int64: CachedAnswer] {
        guard !keys.isEmpty else { return [:] }
        return try await reading { try $0.cachedAnswers(keys: keys, notBefore: notBefore) }
    }

    /// Records `entries` (lines already committed) in one transaction, on the calling thread (the
    /// outcome writer's, on the blocking pool).
    public func recordCacheEntries(_ entries: [CacheEntry]) throws {
        try write { try $0.insertCacheEntries(entries) }
    }

    /// The cache's size and what it saved, over every job in the database.
    public func cacheStats() async throws -> CacheStats {
        try await reading { try $0.cacheStats() }
    }

    /// Requests of `job` answered from the cache, and their tokens, per model (`requests`: hits).
    public func cacheSavings(job: Int64) async throws -> [ModelUsage] {
        try await reading { try $0.cacheSavings(job: job) }
    }

    /// Forgets every entry written by runs that began before `cutoff` (their lines stay in their
    /// files). Returns how many entries and sources went.
    public func pruneCache(before cutoff: Timestamp) async throws -> (entries: Int, sources: Int) {
        try await writing { try $0.pruneCache(before: cutoff) }
    }
}
