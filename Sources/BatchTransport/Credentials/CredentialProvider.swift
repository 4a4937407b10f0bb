import BatchCore

/// Yields the authentication headers for each request.
///
/// A provider, rather than a fixed header, so that tokens fetched and refreshed in the background
/// (Microsoft Entra ID) slot in later. Guarantee: the secret only ever goes into the returned
/// headers; `description` never shows it.
public protocol CredentialProvider: Sendable, CustomStringConvertible {
    func authenticationHeaders() async throws -> HTTPHeaderFields
    /// Whether a refused request (a 401) may succeed with fresh headers: the credential's tokens
    /// are fetched and refreshed (Entra ID), not fixed (an API key).
    var refreshes: Bool { get }
    /// The endpoint answered 401 to a request sent with `sent`: the next headers are fresh ones.
    func rejected(_ sent: HTTPHeaderFields) async
}

extension CredentialProvider {
    public var refreshes: Bool { false }
    public func rejected(_ sent: HTTPHeaderFields) async {}
}

/// A static API key, sent as Azure's `api-key` header or as `Authorization: Bearer`.
public struct APIKeyCredential: CredentialProvider {
    public enum Style: String, Sendable {
        /// `api-key: KEY` (Azure OpenAI).
        case apiKeyHeader
        /// `Authorization: Bearer KEY` (OpenAI and compatible servers).
        case bearer
    }

    private let key: String
    public let style: Style

    public init(key: String, style: Style) {
        self.key = key
        self.style = style
    }

    public func authenticationHeaders() async throws -> HTTPHeaderFields {
        switch style {
        case .apiKeyHeader: return ["api-key": key]
        case .bearer: return ["Authorization": "Bearer \(key)"]
        }
    }

    public var description: String { "APIKeyCredential(\(style.rawValue), key: <redacted>)" }
}

/// No authentication (a local OpenAI-compatible server that needs none).
public struct NoCredential: CredentialProvider {
    public init() {}
    public func authenticationHeaders() async throws -> HTTPHeaderFields { [:] }
    public var description: String { "NoCredential" }
}
