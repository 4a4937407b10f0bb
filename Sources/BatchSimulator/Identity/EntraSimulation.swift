/// What the simulator's Microsoft Entra ID side accepts and issues: one tenant with one app
/// registration (a client secret, a certificate, and/or a federated token), a managed identity
/// (IMDS and the App Service endpoint), and the lifetime of the tokens it issues.
///
/// With it set (``SimulatorConfiguration/entra``), every API request must carry
/// `Authorization: Bearer <token>` with a token the simulator issued and that has not expired
/// (or the configured `api-key`); others are answered 401 with Azure's body.
public struct EntraSimulation: Sendable {
    public var tenant = "sim-tenant"
    public var clientID = "sim-client"
    /// The app's client secret; `nil`: secrets are refused.
    public var clientSecret: String? = nil
    /// The app's certificate (PEM): assertions must carry its `x5t#S256` and verify with its key.
    public var certificatePEM: String? = nil
    /// The federated token workload identity sends as its assertion.
    public var federatedToken: String? = nil
    /// Whether IMDS and the App Service endpoint give tokens (else: no identity assigned).
    public var managedIdentity = true
    /// The header App Service's endpoint requires (`X-IDENTITY-HEADER`).
    public var identityHeader = "sim-identity-header"
    /// How long issued tokens live.
    public var tokenLifetime: Duration = .seconds(3600)

    public init() {}
}

/// Counters of the simulator's Entra ID side (``Simulator/identityStats``), also served as JSON at
/// `GET /_sim/identity`.
public struct IdentityStats: Sendable, Equatable, Codable {
    /// Requests to the token, IMDS and App Service endpoints.
    public var tokenRequests = 0
    /// Tokens issued.
    public var tokensIssued = 0
    /// API requests answered 401 for a missing, unknown or expired token.
    public var unauthorized = 0

    public init() {}
}
