import BatchCore

/// Authenticates with a Microsoft Entra ID token: `Authorization: Bearer <token>`, the token from
/// a shared ``TokenCache``.
///
/// Guarantees: the token goes into the returned header only (`description` names the source);
/// a source that gives no token makes ``authenticationHeaders()`` throw its ``TokenFailure``;
/// a 401 reported through ``rejected(_:)`` drops the token it was sent with, so the retry gets
/// a new one.
public struct EntraCredential: CredentialProvider {
    public let cache: TokenCache

    public init(cache: TokenCache) {
        self.cache = cache
    }

    public func authenticationHeaders() async throws -> HTTPHeaderFields {
        let token = try await cache.token()
        return ["Authorization": "Bearer \(token.value)"]
    }

    public var refreshes: Bool { true }

    public func rejected(_ sent: HTTPHeaderFields) async {
        guard let header = sent["Authorization"], header.hasPrefix("Bearer ") else { return }
        await cache.rejected(String(header.dropFirst("Bearer ".count)))
    }

    public var description: String { "EntraCredential(\(cache.source.cacheKey))" }
}
