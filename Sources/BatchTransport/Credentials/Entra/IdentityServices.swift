import BatchCore

/// What building and running token sources needs from the outside world, injected so that tests
/// replace each part: the HTTP transport and clock of token requests, the runner of commands, and
/// the process's token caches.
public struct IdentityServices: Sendable {
    public var http: IdentityHTTP
    public var runner: any CommandRunner
    public var caches: TokenCaches

    public init(http: IdentityHTTP, runner: any CommandRunner = ProcessCommandRunner(), caches: TokenCaches) {
        self.http = http
        self.runner = runner
        self.caches = caches
    }

    /// The process's own: a small connection pool of its own (token requests are rare), the system
    /// clock, `Process`, and ``TokenCaches/shared``. Made on first use.
    public static let shared = IdentityServices(
        http: IdentityHTTP(transport: AsyncHTTPTransport(connectionsPerHost: 2), clock: SystemClock()),
        caches: .shared)
}

/// A source that does not apply here, saying why (a step of a chain whose variables are unset).
public struct UnavailableSource: TokenSource {
    public let name: String
    public let reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public var cacheKey: TokenCacheKey { TokenCacheKey(source: name, identity: "unavailable", scope: "") }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        throw TokenFailure(kind: .unavailable, source: name, message: reason)
    }
}
