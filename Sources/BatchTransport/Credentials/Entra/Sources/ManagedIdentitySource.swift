import BatchCore
import Synchronization

/// Managed identity: the token of the identity Azure assigned to the machine or app.
///
/// - App Service, Container Apps, Functions (`IDENTITY_ENDPOINT` and `IDENTITY_HEADER` set):
///   `GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=R[&client_id=C]` with
///   `X-IDENTITY-HEADER: $IDENTITY_HEADER`.
/// - Otherwise IMDS: `GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=R[&client_id=C]`
///   with `Metadata: true`; `AZURE_POD_IDENTITY_AUTHORITY_HOST` replaces the host.
///
/// A user-assigned identity is chosen by its client id. IMDS's first request is a probe with a
/// short timeout: no answer means no IMDS here (``TokenFailure/Kind/unavailable``), so a chain
/// moves on at once. A 400 from IMDS means no identity is assigned (unavailable too); 404, 429
/// and 5xx are retried twice (after 1 s, then 2 s on the injected clock).
public final class ManagedIdentitySource: TokenSource {
    public enum Kind: Sendable, Equatable {
        case appService(endpoint: String, header: String)
        /// `base` is `http://169.254.169.254` or the override, without a trailing slash.
        case imds(base: String)
    }

    public static let imdsBase = "http://169.254.169.254"
    public let name = "managed_identity"
    public let kind: Kind
    public let clientID: String?
    public let cloud: EntraCloud
    let http: IdentityHTTP
    let probeTimeout: Duration
    private let probed = Mutex(false)

    public init(
        kind: Kind, clientID: String?, cloud: EntraCloud, http: IdentityHTTP,
        probeTimeout: Duration = .milliseconds(500)
    ) {
        self.kind = kind
        self.clientID = clientID
        self.cloud = cloud
        self.http = http
        self.probeTimeout = probeTimeout
    }

    /// The kind the environment selects (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, else IMDS).
    public static func kind(environment: [String: String]) -> Kind {
        if let endpoint = environment["IDENTITY_ENDPOINT"], !endpoint.isEmpty,
            let header = environment["IDENTITY_HEADER"], !header.isEmpty
        {
            return .appService(endpoint: endpoint, header: header)
        }
        var base =
            environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? imdsBase
        while base.hasSuffix("/") { base.removeLast() }
        return .imds(base: base)
    }

    public var cacheKey: TokenCacheKey {
        let place: String
        switch kind {
        case .appService(let endpoint, _): place = endpoint
        case .imds(let base): place = base
        }
        return TokenCacheKey(
            source: name, identity: "\(place) \(clientID ?? "system-assigned")", scope: cloud.scope)
    }

    /// The request for a token.
    var request: OutboundRequest {
        var query = [("resource", cloud.resource)]
        if let clientID { query.append(("client_id", clientID)) }
        switch kind {
        case .appService(let endpoint, let header):
            let separator = endpoint.contains("?") ? "&" : "?"
            return OutboundRequest(
                method: "GET",
                url: endpoint + separator + FormEncoding.encode([("api-version", "2019-08-01")] + query),
                headers: ["X-IDENTITY-HEADER": header, "Accept": "application/json"], body: [])
        case .imds(let base):
            return OutboundRequest(
                method: "GET",
                url: "\(base)/metadata/identity/oauth2/token?"
                    + FormEncoding.encode([("api-version", "2018-02-01")] + query),
                headers: ["Metadata": "true", "Accept": "application/json"], body: [])
        }
    }

    public func fetchToken() async throws(TokenFailure) -> AccessToken {
        let request = request
        if case .imds = kind, !probed.withLock({ $0 }) {
            do {
                let answer = try await http.send(request, timeout: probeTimeout, source: name)
                probed.withLock { $0 = true }
                return try token(from: answer)
            } catch  where error.kind == .unreachable {
                throw TokenFailure(
                    kind: .unavailable, source: name,
                    message: "no IMDS answered at \(IdentityHTTP.origin(request.url)) within"
                        + " \(probeTimeout.wholeMillisecondsRoundedUp) ms: this is not an Azure VM with a managed identity"
                )
            }
        }
        var delay = Duration.seconds(1)
        for retry in 0...2 {
            let answer = try await http.send(request, timeout: http.timeout, source: name)
            let retryable = answer.status == 404 || answer.status == 429 || answer.status >= 500
            if !retryable || retry == 2 { return try token(from: answer) }
            do { try await http.clock.sleep(for: delay) } catch {
                throw TokenFailure(kind: .unreachable, source: name, message: "cancelled")
            }
            delay *= 2
        }
        throw TokenFailure(kind: .unreachable, source: name, message: "no answer")
    }

    private func token(from answer: HTTPAnswer) throws(TokenFailure) -> AccessToken {
        if answer.isSuccess {
            return try TokenAnswer.token(from: answer.body, now: http.clock.now, source: name)
        }
        if case .imds = kind, answer.status == 400 {
            throw TokenAnswer.failure(status: 400, body: answer.body, source: name, kind: .unavailable)
        }
        throw TokenAnswer.failure(status: answer.status, body: answer.body, source: name)
    }
}
