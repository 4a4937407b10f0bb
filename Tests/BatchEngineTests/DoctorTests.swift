import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Testing

@Suite("batchctl doctor's checks")
struct DoctorTests {
    let clock = ManualClock()
    static let token = "eyJ-doctor-secret-token"

    func settings(_ environment: [String: String], transport: ScriptedTransport) -> Settings {
        var settings = Settings(environment: environment)
        settings.identity = IdentityServices(
            http: IdentityHTTP(transport: transport, clock: clock),
            runner: ScriptedCommandRunner { _ in .failure(.notFound) }, caches: TokenCaches(clock: clock))
        return settings
    }

    static let entra = [
        "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:9", "OPENAI_API_VERSION": "2024-10-21",
        "AZURE_AUTHORITY_HOST": "http://127.0.0.1:9", "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c",
        "AZURE_CLIENT_SECRET": "s",
    ]

    /// A token endpoint answering `token`, and an API answering `api`.
    static func transport(token: HTTPAnswer, api: HTTPAnswer) -> ScriptedTransport {
        ScriptedTransport { request, _ in request.url.hasSuffix("/oauth2/v2.0/token") ? token : api }
    }

    static let tokenAnswer = HTTPAnswer.json(200, #"{"expires_in":3600,"access_token":"\#(token)"}"#)

    func run(_ environment: [String: String], _ transport: ScriptedTransport, deployment: String? = nil) async
        -> [DoctorCheck]
    {
        await EndpointDoctor(
            settings: settings(environment, transport: transport), transport: transport, clock: clock
        )
        .run(endpoint: "default", deployment: deployment)
    }

    @Test("Entra ID: the source found and the token's expiry, never the token; the request accepted")
    func entraPasses() async throws {
        let transport = Self.transport(token: Self.tokenAnswer, api: .json(200, #"{"choices":[]}"#))
        let checks = await run(Self.entra, transport, deployment: "gpt-4o-mini")
        #expect(checks.map(\.verdict) == [.pass, .pass, .pass])
        #expect(checks[1].detail.contains("client_secret (found by the DefaultAzureCredential chain)"))
        #expect(checks[1].detail.contains("in 3600 s"))
        #expect(checks[2].detail.contains("one-token chat completion to gpt-4o-mini"))
        let api = try #require(transport.requests.last)
        #expect(
            api.url
                == "http://127.0.0.1:9/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21"
        )
        for check in checks { #expect(!"\(check)".contains("doctor-secret")) }
    }

    @Test("a wrong secret: the credential fails with Entra's code and what to do; the request is skipped")
    func wrongSecret() async {
        let transport = Self.transport(
            token: .json(
                401,
                #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#
            ),
            api: .json(200, "{}"))
        let checks = await run(Self.entra, transport)
        #expect(checks.map(\.verdict) == [.pass, .fail, .skipped])
        #expect(
            checks[1].detail.contains("client_secret: the token endpoint answered HTTP 401: AADSTS7000215"))
        #expect(checks[1].advice.contains("AADSTS7000215"))
    }

    @Test("a token but no role: the request fails with the role to assign")
    func missingRole() async {
        let transport = Self.transport(
            token: Self.tokenAnswer,
            api: .json(
                401,
                #"{"error":{"code":"PermissionDenied","message":"The principal lacks the required data action."}}"#
            ))
        let checks = await run(Self.entra, transport)
        #expect(checks.map(\.verdict) == [.pass, .pass, .fail])
        #expect(checks[2].detail.contains("The principal lacks the required data action."))
        #expect(checks[2].advice.contains("Cognitive Services OpenAI User"))
    }

    @Test("an API key endpoint: key present, and a deployment that does not exist is named")
    func apiKey() async {
        let environment = [
            "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:9", "OPENAI_API_VERSION": "v1",
            "AZURE_OPENAI_API_KEY": "k",
        ]
        let transport = Self.transport(
            token: Self.tokenAnswer,
            api: .json(
                404,
                #"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#
            ))
        let checks = await run(environment, transport, deployment: "nope")
        #expect(checks.map(\.verdict) == [.pass, .pass, .fail])
        #expect(checks[1].detail.contains("API key"))
        #expect(checks[2].advice.contains("no deployment of that name"))
    }

    @Test("no endpoint configured: the endpoint check fails with the configuration's message")
    func noEndpoint() async {
        let checks = await run(
            ["HOME": "/nonexistent"], Self.transport(token: Self.tokenAnswer, api: .json(200, "{}")))
        #expect(checks.map(\.verdict) == [.fail, .skipped, .skipped])
        #expect(checks[0].detail.contains("AZURE_OPENAI_ENDPOINT"))
    }
}
