import BatchConfig
import BatchCore
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("Azure endpoints' auth: API key or Microsoft Entra ID")
struct AuthConfigTests {
    let clock = ManualClock()

    func settings(_ json: String? = nil, environment: [String: String] = [:]) throws -> Settings {
        var settings = Settings(
            file: try json.map { try ConfigFile.decode(Data($0.utf8), path: "config.json") } ?? ConfigFile(),
            environment: environment)
        settings.identity = IdentityServices(
            http: IdentityHTTP(transport: ScriptedTransport { _, _ in .json(500, "{}") }, clock: clock),
            runner: ScriptedCommandRunner { _ in .failure(.notFound) }, caches: TokenCaches(clock: clock))
        return settings
    }

    func endpoint(
        _ auth: String, url: String = "https://r.openai.azure.com", environment: [String: String] = [:]
    )
        throws -> Endpoint
    {
        try settings(
            #"{"endpoints": {"e": {"type": "azure", "url": "\#(url)", "api_version": "v1", "auth": \#(auth)}}}"#,
            environment: environment
        ).endpoint(named: "e")
    }

    func error(
        _ auth: String, url: String = "https://r.openai.azure.com", environment: [String: String] = [:]
    )
        throws -> String
    {
        try #require(throws: ConfigurationError.self) {
            try endpoint(auth, url: url, environment: environment)
        }
        .message
    }

    /// The scope and source of an endpoint's Entra credential.
    func key(_ endpoint: Endpoint) throws -> TokenCacheKey {
        try #require(endpoint.credential as? EntraCredential).cache.source.cacheKey
    }

    @Test("AZURE_OPENAI_ENDPOINT without AZURE_OPENAI_API_KEY means Entra ID, the default chain")
    func environmentAlone() throws {
        let endpoint = try settings(environment: [
            "AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com", "OPENAI_API_VERSION": "v1",
        ]).endpoint(named: "default")
        #expect(endpoint.credential.refreshes)
        #expect(try key(endpoint).source == "entra")
        #expect(try key(endpoint).scope == "https://cognitiveservices.azure.com/.default")
    }

    @Test("\"entra\", or one named source with its options; secrets only by variable name")
    func namedSources() throws {
        #expect(try key(endpoint(#""entra""#)).source == "entra")
        let secret = try endpoint(
            #"{"type": "client_secret", "tenant_id": "t", "client_id": "c", "client_secret_env": "MY_SECRET"}"#,
            environment: ["MY_SECRET": "s"])
        #expect(try key(secret).source == "client_secret")
        #expect(try key(secret).identity == "https://login.microsoftonline.com/t/c")
        let managed = try endpoint(#"{"type": "managed_identity", "client_id": "user-assigned"}"#)
        #expect(try key(managed).identity.contains("user-assigned"))
        #expect(try key(endpoint(#"{"type": "azure_cli"}"#)).source == "azure_cli")
        #expect(
            try key(endpoint(#"{"type": "token_command", "command": "get-token", "timeout_seconds": 5}"#))
                .source
                == "token_command")
        #expect(
            try key(endpoint(#"{"type": "bearer_token_file", "token_file": "/run/t"}"#)).source
                == "bearer_token_file")
        #expect(try error(#""api_key""#) == "endpoints.e has no key: set api_key_env or api_key_file")
    }

    @Test("an API key endpoint without auth is today's behaviour")
    func apiKeyDefault() async throws {
        let endpoint = try settings(
            #"{"endpoints": {"e": {"type": "azure", "url": "https://r.openai.azure.com", "api_version": "v1", "api_key_env": "K"}}}"#,
            environment: ["K": "key"]
        ).endpoint(named: "e")
        #expect(try await endpoint.credential.authenticationHeaders()["api-key"] == "key")
    }

    @Test("two endpoints resolved with the same source share one token cache")
    func sharedCache() throws {
        let settings = try settings(
            #"{"endpoints": {"a": {"type": "azure", "url": "https://a.openai.azure.com", "api_version": "v1", "auth": "entra"}, "b": {"type": "azure", "url": "https://b.openai.azure.com", "api_version": "v1", "auth": "entra"}}}"#
        )
        let a = try #require(settings.endpoint(named: "a").credential as? EntraCredential)
        let b = try #require(settings.endpoint(named: "b").credential as? EntraCredential)
        let again = try #require(settings.endpoint(named: "a").credential as? EntraCredential)
        #expect(a.cache === b.cache)
        #expect(a.cache === again.cache)
    }

    @Test(
        "sovereign clouds: the authority sets the scope; an endpoint in .azure.us or .azure.cn picks its cloud"
    )
    func sovereign() throws {
        let china = try endpoint(#"{"type": "entra", "authority_host": "login.chinacloudapi.cn"}"#)
        #expect(try key(china).scope == "https://cognitiveservices.azure.cn/.default")
        let government = try endpoint(#""entra""#, url: "https://r.openai.azure.us")
        #expect(try key(government).scope == "https://cognitiveservices.azure.us/.default")
        let variable = try endpoint(
            #"{"type": "client_secret", "tenant_id": "t", "client_id": "c"}"#,
            environment: [
                "AZURE_CLIENT_SECRET": "s", "AZURE_AUTHORITY_HOST": "https://login.microsoftonline.us",
            ])
        #expect(try key(variable).scope == "https://cognitiveservices.azure.us/.default")
        let overridden = try endpoint(#"{"type": "entra", "scope": "api://custom/.default"}"#)
        #expect(try key(overridden).scope == "api://custom/.default")
    }

    @Test(
        "credentials never go over plain http except to loopback: a clear error at start",
        arguments: [
            (#""entra""#, "http://r.openai.azure.com", [String: String](), "endpoints.e.url"),
            (#""api_key""#, "http://10.1.2.3", ["K": "k"], "endpoints.e.url"),
            (
                #"{"type": "entra", "authority_host": "http://login.example"}"#, "https://r.openai.azure.com",
                [:], "endpoints.e.auth.authority_host"
            ),
            (
                #""entra""#, "https://r.openai.azure.com",
                ["IDENTITY_ENDPOINT": "http://10.0.0.1/msi", "IDENTITY_HEADER": "h"], "IDENTITY_ENDPOINT"
            ),
            (
                #""managed_identity""#, "https://r.openai.azure.com",
                ["AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://10.0.0.9"], "AZURE_POD_IDENTITY_AUTHORITY_HOST"
            ),
        ])
    func plainHTTPRefused(auth: String, url: String, environment: [String: String], named: String) throws {
        let json =
            auth == #""api_key""#
            ? #"{"endpoints": {"e": {"type": "azure", "url": "\#(url)", "api_version": "v1", "api_key_env": "K"}}}"#
            : #"{"endpoints": {"e": {"type": "azure", "url": "\#(url)", "api_version": "v1", "auth": \#(auth)}}}"#
        let message = try #require(throws: ConfigurationError.self) {
            try settings(json, environment: environment).endpoint(named: "e")
        }.message
        #expect(message.hasPrefix(named))
        #expect(message.contains("not https"))
    }

    @Test("loopback http is accepted for the endpoint, the authority and the identity endpoints")
    func loopbackAccepted() throws {
        _ = try endpoint(
            #"{"type": "entra", "authority_host": "http://127.0.0.1:9"}"#, url: "http://localhost:8080",
            environment: ["IDENTITY_ENDPOINT": "http://127.0.0.1:8081/msi/token", "IDENTITY_HEADER": "h"])
        _ = try endpoint(#""managed_identity""#, url: "http://[::1]:8080", environment: [:])
    }

    @Test("mistakes are named: an unknown type, a missing variable, both a key and auth, an openai endpoint")
    func mistakes() throws {
        #expect(
            try error(#""entraid""#).contains("endpoints.e.auth is \"entraid\": use one of api_key, entra"))
        #expect(
            try error(
                #"{"type": "client_secret", "tenant_id": "t", "client_id": "c", "client_secret_env": "NOPE"}"#
            )
                == "endpoints.e.auth.client_secret_env names NOPE, which is not set")
        #expect(
            try error(
                #"{"type": "client_secret", "client_id": "c"}"#, environment: ["AZURE_CLIENT_SECRET": "s"])
                == "endpoints.e.auth.tenant_id is missing (and AZURE_TENANT_ID is not set)")
        let both = try #require(throws: ConfigurationError.self) {
            try settings(
                #"{"endpoints": {"e": {"type": "azure", "url": "https://r.openai.azure.com", "api_version": "v1", "api_key_env": "K", "auth": "entra"}}}"#,
                environment: ["K": "k"]
            ).endpoint(named: "e")
        }
        #expect(both.message.contains("names both an API key and auth"))
        let openAI = try #require(throws: ConfigurationError.self) {
            try settings(
                #"{"endpoints": {"o": {"type": "openai", "url": "http://127.0.0.1:1/v1", "auth": "entra"}}}"#
            )
            .endpoint(named: "o")
        }
        #expect(openAI.message == "endpoints.o.auth applies to Azure endpoints only: remove it")
    }

    @Test("an unknown key of auth is refused with the nearest known one")
    func unknownAuthKey() throws {
        let message = try #require(throws: ConfigurationError.self) {
            try ConfigFile.decode(
                Data(
                    #"{"endpoints": {"e": {"type": "azure", "url": "https://r", "api_version": "v1", "auth": {"type": "client_secret", "client_secret": "s"}}}}"#
                        .utf8), path: "config.json")
        }.message
        #expect(
            message
                == "config.json: endpoints.e.auth.client_secret: unknown key (did you mean client_secret_env?)"
        )
    }

    @Test("auth survives encoding and decoding")
    func roundTrip() throws {
        let json =
            #"{"endpoints": {"e": {"type": "azure", "url": "https://r", "api_version": "v1", "auth": {"type": "workload_identity", "tenant_id": "t", "token_file": "/var/run/token"}}}}"#
        let file = try ConfigFile.decode(Data(json.utf8), path: "c")
        let again = try ConfigFile.decode(try JSONEncoder().encode(file), path: "c")
        #expect(again == file)
        #expect(file.endpoints["e"]?.auth?.tokenFile == "/var/run/token")
    }
}
