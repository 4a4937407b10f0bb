import BatchCore
import Foundation

/// The OAuth 2.0 client-credentials grant against Entra ID, for the three sources that use it:
/// a client secret (`client_secret`), a certificate's signed assertion (`client_certificate`)
/// and a federated token file (`workload_identity`).
///
/// `POST {authority}/{tenant}/oauth2/v2.0/token`, form-encoded `grant_type=client_credentials`,
/// `client_id`, `scope` and either `client_secret` or `client_assertion_type` + `client_assertion`.
/// The proof is read at each fetch: a rotated secret file or federated token is picked up at the
/// next refresh. Guarantees: the proof goes into the request body only; an error answer becomes
/// a ``TokenFailure/Kind/rejected`` failure carrying Entra's `AADSTS` code and first line.
public struct ClientCredentialsSource: TokenSource {
    /// How the client proves who it is.
    public enum Proof: Sendable {
        /// A client secret, read when needed.
        case secret(@Sendable () throws(TokenFailure) -> String)
        /// A client assertion (a JWT) made or read when needed, for the token URL it is sent to.
        case assertion(@Sendable (_ tokenURL: String) throws(TokenFailure) -> String)
    }

    public let name: String
    public let tenant: String
    public let clientID: String
    public let cloud: EntraCloud
    let proof: Proof
    let http: IdentityHTTP

    public init(
        name: String, tenant: String, clientID: String, cloud: EntraCloud, proof: Proof, http: IdentityHTTP
    ) {
        self.name = name
        self.tenant = tenant
        self.clientID = clientID
        self.cloud = cloud
        self.proof = proof
        self.http = http
    }

    public var cacheKey: TokenCacheKey {
        TokenCacheKey(source: name, identity: "\(cloud.authority)/\(tenant)/\(clientID)", scope: cloud.scope)
    }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        let url = cloud.tokenURL(tenant: tenant)
        var form = [
            ("grant_type", "client_credentials"), ("client_id", clientID), ("scope", cloud.scope),
        ]
        switch proof {
        case .secret(let read):
            form.append(("client_secret", try read()))
        case .assertion(let make):
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", try make(url)))
        }
        let answer = try await http.send(
            OutboundRequest(
                url: url,
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                body: Array(FormEncoding.encode(form).utf8)),
            timeout: http.timeout, source: name)
        guard answer.isSuccess else {
            throw TokenAnswer.failure(status: answer.status, body: answer.body, source: name)
        }
        return try TokenAnswer.token(from: answer.body, now: http.clock.now, source: name)
    }
}

/// What sources that ask an HTTP endpoint for tokens share: the transport, the clock, and the
/// timeout of one token request.
public struct IdentityHTTP: Sendable {
    public let transport: any HTTPTransport
    public let clock: any BatchClock
    public let timeout: Duration

    public init(transport: any HTTPTransport, clock: any BatchClock, timeout: Duration = .seconds(30)) {
        self.transport = transport
        self.clock = clock
        self.timeout = timeout
    }

    /// Sends `request`; a failure with no answer becomes an `unreachable` ``TokenFailure`` of
    /// `source` (its message names host and port, never the body).
    func send(_ request: OutboundRequest, timeout: Duration, source: String) async throws(TokenFailure)
        -> HTTPAnswer
    {
        do {
            return try await transport.send(request, timeout: timeout)
        } catch let failure as TransportFailure {
            throw TokenFailure(
                kind: .unreachable, source: source,
                message: "the token endpoint \(Self.origin(request.url)) gave no answer: \(failure.message)")
        } catch {
            throw TokenFailure(
                kind: .unreachable, source: source,
                message: "the token endpoint \(Self.origin(request.url)) gave no answer: \(error)")
        }
    }

    /// `scheme://host:port` of `url`, without its path or query.
    static func origin(_ url: String) -> String {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, let host = parsed.host else {
            return "(unparsable URL)"
        }
        return "\(scheme)://\(host)" + (parsed.port.map { ":\($0)" } ?? "")
    }
}
