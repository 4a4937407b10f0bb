import BatchCore
import BatchSimulator
import BatchTesting
import BatchTransport
import Foundation
import Testing

/// Each token source against the simulator's Entra ID side, over real HTTP on loopback.
@Suite("Token sources against the simulator")
struct SimulatorEntraTests {
    let clock = ManualClock()

    /// Runs `body` with a simulator whose Entra side is `simulation`, its base URL and a transport.
    func withSimulator(
        _ simulation: EntraSimulation,
        _ body: (_ base: String, _ http: IdentityHTTP, _ simulator: Simulator) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration()
        configuration.entra = simulation
        let simulator = Simulator(configuration: configuration)
        let port = try await simulator.start()
        let transport = AsyncHTTPTransport(connectionsPerHost: 4)
        let http = IdentityHTTP(transport: transport, clock: clock, timeout: .seconds(10))
        do {
            try await body("http://127.0.0.1:\(port)", http, simulator)
        } catch {
            try await transport.shutdown()
            try await simulator.shutdown()
            throw error
        }
        try await transport.shutdown()
        try await simulator.shutdown()
    }

    /// The status of a chat request to the simulator with `token`.
    func apiStatus(_ base: String, _ http: IdentityHTTP, token: String) async throws -> (Int, String) {
        let answer = try await http.transport.send(
            OutboundRequest(
                url: base + "/openai/v1/chat/completions",
                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                body: Array(#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#.utf8)),
            timeout: .seconds(10))
        return (answer.status, String(decoding: answer.body, as: UTF8.self))
    }

    static var secretApp: EntraSimulation {
        var simulation = EntraSimulation()
        simulation.clientSecret = "right-secret"
        return simulation
    }

    @Test("client secret: a token the API accepts; a wrong secret: AADSTS7000215")
    func clientSecret() async throws {
        try await withSimulator(Self.secretApp) { base, http, simulator in
            func source(_ secret: String) -> ClientCredentialsSource {
                ClientCredentialsSource.clientSecret(
                    tenant: "sim-tenant", clientID: "sim-client",
                    secret: { () throws(TokenFailure) in secret },
                    cloud: EntraCloud(authority: base), http: http)
            }
            let token = try await source("right-secret").fetchToken()
            #expect(token.expiresOn == clock.now.advanced(by: .seconds(3600)))
            #expect(try await apiStatus(base, http, token: token.value).0 == 200)
            let error = await #expect(throws: TokenFailure.self) { try await source("wrong").fetchToken() }
            #expect(error?.entraCode == "AADSTS7000215")
            #expect(error?.message.contains("AADSTS7000215: Invalid client secret provided.") == true)
            #expect(simulator.identityStats.tokenRequests == 2)
        }
    }

    @Test("unknown or expired bearer tokens get Azure's 401 body")
    func unauthorized() async throws {
        try await withSimulator(Self.secretApp) { base, http, simulator in
            let (status, body) = try await apiStatus(base, http, token: "made-up")
            #expect(status == 401)
            #expect(body.contains(#""code":"401""#))
            #expect(body.contains("Access token is missing, invalid, audience is incorrect"))
            let token = try await ClientCredentialsSource.clientSecret(
                tenant: "sim-tenant", clientID: "sim-client",
                secret: { () throws(TokenFailure) in "right-secret" },
                cloud: EntraCloud(authority: base), http: http
            ).fetchToken()
            simulator.expireTokens()
            #expect(try await apiStatus(base, http, token: token.value).0 == 401)
            #expect(simulator.identityStats.unauthorized == 2)
        }
    }

    @Test("client certificate: the signed assertion is verified against the registered certificate")
    func clientCertificate() async throws {
        let registered = try TestCertificate.shared.get()
        let other = try TestCertificate.other.get()
        var simulation = EntraSimulation()
        simulation.certificatePEM = registered.certificatePEM
        try await withSimulator(simulation) { base, manual, _ in
            // The assertion's nbf/exp are checked against the simulator's wall clock.
            let http = IdentityHTTP(transport: manual.transport, clock: SystemClock())
            func source(_ certificate: TestCertificate) throws -> ClientCredentialsSource {
                ClientCredentialsSource.clientCertificate(
                    tenant: "sim-tenant", clientID: "sim-client",
                    certificate: try ClientCertificate(pem: certificate.pem, origin: "test.pem"),
                    cloud: EntraCloud(authority: base), http: http)
            }
            let token = try await source(registered).fetchToken()
            #expect(try await apiStatus(base, http, token: token.value).0 == 200)
            let error = await #expect(throws: TokenFailure.self) { try await source(other).fetchToken() }
            #expect(error?.entraCode == "AADSTS700027")
        }
    }

    @Test("workload identity: the federated token file's token is accepted as the assertion")
    func workloadIdentity() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("azure-identity-token")
        try "federated-kubelet-token".write(toFile: file, atomically: true, encoding: .utf8)
        var simulation = EntraSimulation()
        simulation.federatedToken = "federated-kubelet-token"
        try await withSimulator(simulation) { base, http, _ in
            let token = try await ClientCredentialsSource.workloadIdentity(
                tenant: "sim-tenant", clientID: "sim-client", tokenFile: file,
                cloud: EntraCloud(authority: base),
                http: http
            ).fetchToken()
            #expect(try await apiStatus(base, http, token: token.value).0 == 200)
        }
    }

    @Test("managed identity: IMDS (host overridden) and App Service's endpoint")
    func managedIdentity() async throws {
        try await withSimulator(EntraSimulation()) { base, http, _ in
            let imds = ManagedIdentitySource(
                kind: ManagedIdentitySource.kind(environment: ["AZURE_POD_IDENTITY_AUTHORITY_HOST": base]),
                clientID: "user-assigned", cloud: EntraCloud(), http: http)
            let first = try await imds.fetchToken()
            #expect(try await apiStatus(base, http, token: first.value).0 == 200)
            let appService = ManagedIdentitySource(
                kind: ManagedIdentitySource.kind(environment: [
                    "IDENTITY_ENDPOINT": base + "/msi/token", "IDENTITY_HEADER": "sim-identity-header",
                ]), clientID: nil, cloud: EntraCloud(), http: http)
            let second = try await appService.fetchToken()
            #expect(try await apiStatus(base, http, token: second.value).0 == 200)
            let wrongHeader = ManagedIdentitySource(
                kind: .appService(endpoint: base + "/msi/token", header: "nope"), clientID: nil,
                cloud: EntraCloud(),
                http: http)
            await #expect(throws: TokenFailure.self) { try await wrongHeader.fetchToken() }
        }
    }

    @Test("IMDS with no identity assigned: unavailable, so the chain moves on")
    func noIdentity() async throws {
        var simulation = EntraSimulation()
        simulation.managedIdentity = false
        try await withSimulator(simulation) { base, http, _ in
            let imds = ManagedIdentitySource(
                kind: .imds(base: base), clientID: nil, cloud: EntraCloud(), http: http)
            let error = await #expect(throws: TokenFailure.self) { try await imds.fetchToken() }
            #expect(error?.kind == .unavailable)
        }
    }
}
