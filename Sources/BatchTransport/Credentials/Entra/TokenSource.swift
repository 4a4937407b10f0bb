/// Where tokens come from: one Microsoft Entra ID credential (a client secret, a managed
/// identity, the Azure CLI, …) for one scope.
///
/// Implementations fetch a new token on every call and keep no cache: ``TokenCache`` decides
/// when to call, and makes sure only one call runs at a time. Guarantee: a failure is thrown as a
/// ``TokenFailure`` that names the source (``name``) and never holds a token or secret.
public protocol TokenSource: Sendable {
    /// The source's configuration name (`client_secret`, `managed_identity`, …), for messages.
    var name: String { get }
    /// What identifies the tokens it yields: sources with equal keys share one cache in a process.
    var cacheKey: TokenCacheKey { get }
    /// Fetches a new token.
    func fetchToken() async throws(TokenFailure) -> AccessToken
}

/// Which cache a source's tokens go to: one per source, identity, tenant and scope in a process,
/// shared by every lane and job that authenticates the same way.
public struct TokenCacheKey: Hashable, Sendable, CustomStringConvertible {
    public var source: String
    /// The tenant, client id, file or command that tells two identities of one source apart.
    public var identity: String
    public var scope: String

    public init(source: String, identity: String, scope: String) {
        self.source = source
        self.identity = identity
        self.scope = scope
    }

    public var description: String { "\(source)(\(identity)) for \(scope)" }
}
