import BatchCore

extension Settings {
    /// How old a cached answer may be by default: 30 days.
    public static let defaultCacheMaxAge = TimeSpan(milliseconds: 30 * 86_400_000)

    /// How old a cached answer may be and still be reused: the config's `cache_max_age`, else 30 days.
    public var cacheMaxAge: TimeSpan {
        file.cacheMaxAge.flatMap { TimeSpan($0) } ?? Self.defaultCacheMaxAge
    }

    /// Whether answers cached from now on keep a deflated copy of their `response` in the
    /// database: the config's `cache_keep_bodies`, else false.
    public var cacheKeepBodies: Bool { file.cacheKeepBodies ?? false }

    /// Whether a job reuses earlier answers: its own `cache`, else the config's, else `auto`.
    public func cacheMode(job: JobSettings) -> CacheMode {
        job.cache ?? file.settings.cache ?? .auto
    }
}
