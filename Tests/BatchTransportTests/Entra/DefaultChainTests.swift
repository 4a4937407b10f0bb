import BatchCore
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("The DefaultAzureCredential chain")
struct DefaultChainTests {
    let clock = ManualClock()
    let cloud = EntraCloud(authority: "http://127.0.0.1:9")
    let noIMDS = ["AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:7"]

    func chain(_ env: [String: String], _ transport: ScriptedTransport, _ runner: ScriptedCommandRunner)
        -> ChainedTokenSource
    {
        let services = IdentityServices(
            http: IdentityHTTP(transport: transport, clock: clock), runner: runner,
            caches: TokenCaches(clock: clock))
        return ChainedTokenSource(
            sources: DefaultChain.sources(environment: env, cloud: cloud, clientID: nil, services: services),
            scope: cloud.scope)
    }

    static let token = HTTPAnswer.json(200, #"{"access_token":"t","expires_in":3600}"#)

    @Test("the order: environment, workload identity, managed identity, Azure CLI")
    func order() {
        let chain = chain(
            noIMDS, ScriptedTransport { _, _ in Self.token },
            ScriptedCommandRunner { _ in .failure(.notFound) })
        #expect(
            chain.sources.map(\.name) == [
                "environment", "workload_identity", "managed_identity", "azure_cli",
            ])
    }

    @Test("nothing applies: one unavailable failure that says what each source looked for")
    func nothingApplies() async throws {
        let transport = ScriptedTransport { _, _ in
            throw TransportFailure(kind: .timeout, message: "no answer")
        }
        let runner = ScriptedCommandRunner { _ in .failure(.notFound) }
        let error = await #expect(throws: TokenFailure.self) {
            try await chain(noIMDS, transport, runner).fetchToken()
        }
        #expect(error?.kind == .unavailable)
        for part in [
            "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "no IMDS answered", "az is not installed",
        ] {
            #expect(error?.message.contains(part) == true, "\(part)")
        }
        #expect(transport.requests.count == 1, "IMDS probed once")
        #expect(runner.calls.count == 1)
    }

    @Test("the environment's client secret comes first and is kept for later fetches")
    func environmentFirst() async throws {
        let transport = ScriptedTransport { _, _ in Self.token }
        let runner = ScriptedCommandRunner { _ in .failure(.notFound) }
        let env = noIMDS.merging(["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"])
        { $1 }
        let chain = chain(env, transport, runner)
        _ = try await chain.fetchToken()
        _ = try await chain.fetchToken()
        #expect(chain.chosenSource?.name == "client_secret")
        #expect(
            transport.requests.map(\.url)
                == Array(repeating: "http://127.0.0.1:9/t/oauth2/v2.0/token", count: 2))
        #expect(runner.calls.isEmpty)
    }

    @Test("a wrong secret ends the chain: reported, not hidden behind managed identity or the CLI")
    func rejectionStops() async throws {
        let transport = ScriptedTransport { _, _ in
            .json(
                401,
                #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#
            )
        }
        let runner = ScriptedCommandRunner { _ in .failure(.notFound) }
        let env = noIMDS.merging([
            "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "wrong",
        ]) { $1 }
        let error = await #expect(throws: TokenFailure.self) {
            try await chain(env, transport, runner).fetchToken()
        }
        #expect(error?.source == "client_secret")
        #expect(error?.entraCode == "AADSTS7000215")
        #expect(transport.requests.count == 1)
        #expect(runner.calls.isEmpty)
    }

    @Test("with no secret, workload identity's variables select it")
    func workloadIdentity() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("token")
        try "federated".write(toFile: file, atomically: true, encoding: .utf8)
        let transport = ScriptedTransport { _, _ in Self.token }
        let env = noIMDS.merging([
            "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_FEDERATED_TOKEN_FILE": file,
        ]) {
            $1
        }
        let chain = chain(env, transport, ScriptedCommandRunner { _ in .failure(.notFound) })
        _ = try await chain.fetchToken()
        #expect(chain.chosenSource?.name == "workload_identity")
    }

    @Test("sovereign clouds: the authority picks the scope; bare hosts mean https")
    func clouds() {
        #expect(EntraCloud().authority == "https://login.microsoftonline.com")
        #expect(EntraCloud().scope == "https://cognitiveservices.azure.com/.default")
        #expect(EntraCloud().resource == "https://cognitiveservices.azure.com")
        #expect(
            EntraCloud(authority: "login.chinacloudapi.cn").scope
                == "https://cognitiveservices.azure.cn/.default")
        #expect(
            EntraCloud(authority: "https://login.microsoftonline.us/").scope
                == "https://cognitiveservices.azure.us/.default")
        #expect(
            EntraCloud(authority: "login.microsoftonline.us", scope: "api://x/.default").scope
                == "api://x/.default")
    }

    @Test("credentials go over https, or plain http to loopback only")
    func secureURLs() {
        for ok in [
            "https://login.microsoftonline.com", "http://127.0.0.1:8080", "http://localhost:1",
            "http://[::1]:5",
        ] {
            #expect(SecureURL.problem(ok) == nil, "\(ok)")
        }
        for bad in ["http://login.microsoftonline.com", "http://10.0.0.5", "ftp://127.0.0.1", "nonsense"] {
            #expect(SecureURL.problem(bad) != nil, "\(bad)")
        }
    }
}
