import Foundation
import NIOCore
import NIOHTTP1

/// The simulator's Entra ID side: the token endpoint, IMDS, the App Service identity endpoint,
/// and the bearer check of API requests.
///
/// - `POST /{tenant}/oauth2/v2.0/token`, client credentials with `client_secret` or a
///   `client_assertion` (the certificate's signed JWT, or the federated token): `{"token_type":
///   "Bearer", "expires_in": N, "access_token": …}`; errors as Entra answers them
///   (`{"error": "invalid_client", "error_description": "AADSTS7000215: …", "error_codes": [7000215]}`).
/// - `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…` with `Metadata: true`
///   (IMDS) and `GET /msi/token?api-version=2019-08-01&resource=…` with `X-IDENTITY-HEADER` (App
///   Service): `expires_on` and `expires_in` as strings, as both do.
/// - API requests: a missing, unknown or expired bearer token gets Azure's 401.
/// - `GET /_sim/identity`: the counters (``IdentityStats``) as JSON.
struct IdentityEndpoints: Sendable {
    let simulation: EntraSimulation
    let issuer: TokenIssuer
    let assertions: AssertionCheck?

    init(simulation: EntraSimulation) {
        self.simulation = simulation
        issuer = TokenIssuer(lifetime: simulation.tokenLifetime)
        assertions = simulation.certificatePEM.flatMap { AssertionCheck(certificatePEM: $0) }
    }

    /// The answer to `request` when it is for one of the identity endpoints, else `nil`.
    func answer(_ request: SimRequest) -> SimResponse? {
        let uri = request.uri
        let path = String(uri.prefix { $0 != "?" })
        let query = Self.form(uri.contains("?") ? String(uri.drop { $0 != "?" }.dropFirst()) : "")
        if path == "/_sim/identity" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let body =
                (try? encoder.encode(issuer.snapshot)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return SimResponse(status: .ok, contentType: "application/json", body: body)
        }
        if path.hasSuffix("/oauth2/v2.0/token"), request.method == .POST {
            issuer.countTokenRequest()
            let tenant = path.dropFirst().prefix { $0 != "/" }
            return tokenEndpoint(tenant: String(tenant), path: path, request: request)
        }
        if path == "/metadata/identity/oauth2/token", request.method == .GET {
            issuer.countTokenRequest()
            guard request.headers["Metadata"].first == "true" else {
                return Self.failure(.badRequest, "invalid_request", "Required metadata header not specified")
            }
            return managedIdentity(query)
        }
        if path == "/msi/token", request.method == .GET {
            issuer.countTokenRequest()
            guard request.headers["X-IDENTITY-HEADER"].first == simulation.identityHeader else {
                return Self.failure(
                    .unauthorized, "unauthorized", "The X-IDENTITY-HEADER is missing or wrong.")
            }
            return managedIdentity(query)
        }
        return nil
    }

    /// `nil` when the API request may go on: a valid bearer token (or the configured api-key).
    func refusal(_ headers: HTTPHeaders, apiKey: String?) -> SimResponse? {
        if let apiKey, headers["api-key"].contains(apiKey) { return nil }
        if let value = headers["authorization"].first, value.hasPrefix("Bearer "),
            issuer.isValid(String(value.dropFirst("Bearer ".count)))
        {
            return nil
        }
        issuer.countUnauthorized()
        return SimResponse(
            status: .unauthorized,
            json: .object([
                (
                    "error",
                    .object([
                        ("code", "401"),
                        (
                            "message",
                            "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."
                        ),
                    ])
                )
            ]))
    }

    private func tokenEndpoint(tenant: String, path: String, request: SimRequest) -> SimResponse {
        var body = request.body ?? ByteBuffer()
        let form = Self.form(body.readString(length: body.readableBytes) ?? "")
        guard tenant == simulation.tenant else {
            return Self.entraError(.badRequest, "invalid_tenant", 90002, "Tenant '\(tenant)' not found.")
        }
        guard form["grant_type"] == "client_credentials" else {
            return Self.entraError(
                .badRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        }
        guard let client = form["client_id"], client == simulation.clientID else {
            return Self.entraError(
                .badRequest, "unauthorized_client", 700016,
                "Application with identifier '\(form["client_id"] ?? "")' was not found in the directory.")
        }
        guard let scope = form["scope"], scope.hasSuffix("/.default") else {
            return Self.entraError(
                .badRequest, "invalid_scope", 70011,
                "The provided value for the input parameter 'scope' is not valid.")
        }
        if let secret = form["client_secret"] {
            guard secret == simulation.clientSecret else {
                return Self.entraError(
                    .unauthorized, "invalid_client", 7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client"
                        + " secret value, not the client secret ID, for a secret added to app '\(client)'.")
            }
        } else if let assertion = form["client_assertion"],
            form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        {
            if let federated = simulation.federatedToken, assertion == federated {
                // Workload identity: the federated token matches the app's federated credential.
            } else if let assertions {
                if let problem = assertions.problem(assertion, clientID: client, tokenPath: path) {
                    return Self.entraError(.unauthorized, "invalid_client", problem.code, problem.text)
                }
            } else {
                return Self.entraError(
                    .unauthorized, "invalid_client", 700027, "Client assertion failed signature validation.")
            }
        } else {
            return Self.entraError(
                .unauthorized, "invalid_client", 7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
            )
        }
        let (token, _) = issuer.issue()
        return SimResponse(
            status: .ok,
            json: .object([
                ("token_type", "Bearer"),
                ("expires_in", .int(Int(simulation.tokenLifetime.components.seconds))),
                ("ext_expires_in", .int(Int(simulation.tokenLifetime.components.seconds))),
                ("access_token", .string(token)),
            ]))
    }

    private func managedIdentity(_ query: [String: String]) -> SimResponse {
        guard simulation.managedIdentity else {
            return Self.failure(.badRequest, "invalid_request", "Identity not found")
        }
        guard let resource = query["resource"], !resource.isEmpty else {
            return Self.failure(
                .badRequest, "invalid_request", "Required query variable 'resource' is missing")
        }
        let (token, expiry) = issuer.issue()
        let lifetime = Int(simulation.tokenLifetime.components.seconds)
        return SimResponse(
            status: .ok,
            json: .object([
                ("access_token", .string(token)),
                ("client_id", .string(query["client_id"] ?? simulation.clientID)),
                ("expires_in", .string(String(lifetime))),
                ("expires_on", .string(String(Int(expiry.timeIntervalSince1970)))),
                ("resource", .string(resource)), ("token_type", "Bearer"),
            ]))
    }

    private static func entraError(_ status: HTTPResponseStatus, _ error: String, _ code: Int, _ text: String)
        -> SimResponse
    {
        SimResponse(
            status: status,
            json: .object([
                ("error", .string(error)),
                (
                    "error_description",
                    .string(
                        "AADSTS\(code): \(text)\r\nTrace ID: \(UUID().uuidString)\r\nCorrelation ID: \(UUID().uuidString)"
                    )
                ),
                ("error_codes", .array([.int(code)])),
            ]))
    }

    private static func failure(_ status: HTTPResponseStatus, _ error: String, _ description: String)
        -> SimResponse
    {
        SimResponse(
            status: status,
            json: .object([("error", .string(error)), ("error_description", .string(description))]))
    }

    /// Decodes `a=1&b=2` (form bodies and queries).
    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}
