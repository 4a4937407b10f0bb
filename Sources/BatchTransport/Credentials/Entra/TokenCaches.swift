import BatchCore
import Synchronization

/// The token caches of a process, one per ``TokenCacheKey``: every endpoint resolved with the same
/// source, identity and scope gets the same ``TokenCache``, whichever job or lane asks.
public final class TokenCaches: Sendable {
    /// The caches of this process (on the system clock).
    public static let shared = TokenCaches(clock: SystemClock())

    private let clock: any BatchClock
    private let caches = Mutex<[TokenCacheKey: TokenCache]>([:])

    public init(clock: any BatchClock) {
        self.clock = clock
    }

    /// The cache of `source`'s key, made for `source` the first time it is asked for.
    public func cache(for source: any TokenSource) -> TokenCache {
        caches.withLock { caches in
            if let cache = caches[source.cacheKey] { return cache }
            let cache = TokenCache(source: source, clock: clock)
            caches[source.cacheKey] = cache
            return cache
        }
    }
}
