import BatchConfig
import BatchCore
import BatchEngine
import BatchTesting
import BatchTransport
import Foundation
import Testing

@Suite("Settings from the environment")
struct SettingsEnvironmentTests {
    static let azure = [
        "AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com/",
        "AZURE_OPENAI_API_KEY": "azure-key",
        "OPENAI_API_VERSION": "2024-10-21",
    ]

    private func configurationError(_ environment: [String: String]) throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self) {
            try Settings(environment: environment).endpoint(named: Settings.defaultEndpointName)
        }
    }

    @Test("the Azure variables win over the OpenAI ones")
    func azureWins() async throws {
        var environment = Self.azure
        environment["OPENAI_API_KEY"] = "openai-key"
        environment["OPENAI_BASE_URL"] = "http://127.0.0.1:1/v1"
        let endpoint = try Settings(environment: environment).endpoint(named: "default")
        #expect(endpoint.name == "default")
        #expect(endpoint.flavor == .azure(apiVersion: "2024-10-21"))
        #expect(endpoint.baseURL == "https://r.openai.azure.com")
        let headers = try await endpoint.credential.authenticationHeaders()
        #expect(headers["api-key"] == "azure-key")
        #expect(headers["authorization"] == nil)
    }

    // Without AZURE_OPENAI_API_KEY the endpoint uses Microsoft Entra ID (AuthConfigTests).
    @Test("a missing Azure variable is named", arguments: ["OPENAI_API_VERSION"])
    func missingAzureVariable(variable: String) throws {
        for value in [nil, ""] as [String?] {
            var environment = Self.azure
            environment[variable] = value
            let error = try configurationError(environment)
            #expect(error.message.contains(variable))
        }
    }

    @Test("no endpoint at all names the variables to set")
    func nothingConfigured() throws {
        let error = try configurationError(["HOME": "/nonexistent"])
        #expect(error.message.contains("AZURE_OPENAI_ENDPOINT"))
        #expect(error.message.contains("OPENAI_API_KEY"))
    }

    @Test("OPENAI_API_KEY alone means OpenAI with a bearer token")
    func openAIKey() async throws {
        let endpoint = try Settings(environment: ["OPENAI_API_KEY": "sk-1"]).endpoint(named: "default")
        #expect(endpoint.flavor == .openAI)
        #expect(endpoint.baseURL == "https://api.openai.com/v1")
        #expect(try await endpoint.credential.authenticationHeaders()["Authorization"] == "Bearer sk-1")
    }

    @Test("OPENAI_BASE_URL without a key sends no credential")
    func baseURLWithoutKey() async throws {
        let endpoint = try Settings(environment: ["OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"])
            .endpoint(named: "default")
        #expect(endpoint.baseURL == "http://127.0.0.1:8080/v1")
        #expect(endpoint.credential is NoCredential)
        #expect(try await endpoint.credential.authenticationHeaders().fields.isEmpty)
    }

    @Test(
        "a URL that is not http(s) is named",
        arguments: [
            ("OPENAI_BASE_URL", "ftp://host/v1"), ("OPENAI_BASE_URL", "not a url"),
            ("AZURE_OPENAI_ENDPOINT", "r.openai.azure.com"),
        ])
    func badURL(variable: String, value: String) throws {
        var environment = variable == "AZURE_OPENAI_ENDPOINT" ? Self.azure : ["OPENAI_API_KEY": "k"]
        environment[variable] = value
        let error = try configurationError(environment)
        #expect(error.message.contains(variable))
    }

}

@Suite("Settings from a config file")
struct SettingsFileTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    @discardableResult
    private func writeConfig(_ json: String, name: String = "config.json") -> String {
        directory.write(name, bytes: Array(json.utf8))
    }

    static let config = """
        {
          "default_endpoint": "azure-east",
          "endpoints": {
            "azure-east": {
              "type": "azure", "url": "https://east.openai.azure.com", "api_version": "2024-10-21",
              "api_key_env": "AZURE_EAST_KEY", "concurrency": 8,
              "deployments": { "gpt-4o-mini": { "concurrency": 32, "rpm": 6000, "tpm": 900000 } }
            },
            "local": { "type": "openai", "url": "http://127.0.0.1:8080/v1" },
            "filed": { "type": "openai", "url": "https://api.example.com/v1", "api_key_file": "KEYFILE" }
          },
          "max_attempts": 3
        }
        """

    @Test("endpoints come from the file; default means default_endpoint")
    func endpoints() async throws {
        let path = writeConfig(
            Self.config.replacingOccurrences(of: "KEYFILE", with: directory.path("key.txt")))
        directory.write("key.txt", lines: ["  file-key  "])
        let settings = try Settings.load(configPath: path, environment: ["AZURE_EAST_KEY": "east-key"])
        let east = try settings.endpoint(named: "default")
        #expect(east.name == "azure-east")
        #expect(east.flavor == .azure(apiVersion: "2024-10-21"))
        #expect(
            try east.url(for: .chatCompletions, model: "gpt-4o-mini").hasPrefix(
                "https://east.openai.azure.com/openai/deployments/gpt-4o-mini/"))
        #expect(try await east.credential.authenticationHeaders()["api-key"] == "east-key")
        let local = try settings.endpoint(named: "local")
        #expect(local.flavor == .openAI)
        #expect(local.credential is NoCredential)
        let filed = try settings.endpoint(named: "filed")
        #expect(try await filed.credential.authenticationHeaders()["Authorization"] == "Bearer file-key")
        #expect(settings.retryPolicy(job: JobSettings(), endpoint: "default", model: nil).maxAttempts == 3)
    }

    @Test("responses_api_version of an Azure endpoint routes Responses; an OpenAI endpoint refuses it")
    func responsesAPIVersion() throws {
        let path = writeConfig(
            """
            {"endpoints": {
              "dated": {"type": "azure", "url": "https://r.openai.azure.com", "api_version": "2024-10-21",
                        "api_key_env": "K"},
              "preview": {"type": "azure", "url": "https://r.openai.azure.com", "api_version": "2024-10-21",
                          "responses_api_version": "2025-04-01-preview", "api_key_env": "K"},
              "openai": {"type": "openai", "url": "http://127.0.0.1:9/v1", "responses_api_version": "x"}
            }}
            """)
        let settings = try Settings.load(configPath: path, environment: ["K": "key"])
        #expect(
            try settings.endpoint(named: "dated").url(for: .responses, model: "d")
                == "https://r.openai.azure.com/openai/v1/responses")
        let preview = try settings.endpoint(named: "preview")
        #expect(preview.flavor == .azure(apiVersion: "2024-10-21", responsesAPIVersion: "2025-04-01-preview"))
        #expect(
            try preview.url(for: .responses, model: "d")
                == "https://r.openai.azure.com/openai/responses?api-version=2025-04-01-preview")
        let error = try #require(throws: ConfigurationError.self) { try settings.endpoint(named: "openai") }
        #expect(error.message.contains("endpoints.openai.responses_api_version"))
    }

    @Test("BATCHD_CONFIG and XDG_CONFIG_HOME locate the file")
    func locations() throws {
        let json = #"{"endpoints": {"only": {"type": "openai", "url": "http://127.0.0.1:9/v1"}}}"#
        let explicit = writeConfig(json, name: "elsewhere.json")
        let viaVariable = try Settings.load(configPath: nil, environment: ["BATCHD_CONFIG": explicit])
        #expect(try viaVariable.endpoint(named: "only").baseURL == "http://127.0.0.1:9/v1")
        try FileManager.default.createDirectory(
            atPath: directory.path("xdg/batchd"), withIntermediateDirectories: true)
        writeConfig(json, name: "xdg/batchd/config.json")
        let viaXDG = try Settings.load(
            configPath: nil, environment: ["XDG_CONFIG_HOME": directory.path("xdg")])
        #expect(viaXDG.file.endpoints.keys.sorted() == ["only"])
    }

    @Test("api_key_env naming an unset variable is an error naming it")
    func unsetKeyVariable() throws {
        let settings = try Settings.load(configPath: writeConfig(Self.config), environment: [:])
        let error = try #require(throws: ConfigurationError.self) {
            try settings.endpoint(named: "azure-east")
        }
        #expect(error.message.contains("AZURE_EAST_KEY"))
        #expect(error.message.contains("endpoints.azure-east"))
    }

    @Test("an unknown endpoint name lists the known ones")
    func unknownEndpoint() throws {
        let settings = try Settings.load(configPath: writeConfig(Self.config), environment: [:])
        let error = try #require(throws: ConfigurationError.self) { try settings.endpoint(named: "westus") }
        #expect(error.message.contains("\"westus\""))
        #expect(error.message.contains("azure-east, filed, local"))
    }

    @Test("a file that is not valid JSON is named")
    func invalidFile() throws {
        let path = writeConfig("{ not json")
        let error = try #require(throws: ConfigurationError.self) {
            try Settings.load(configPath: path, environment: [:])
        }
        #expect(error.message.contains(path))
    }

    @Test(
        "a lane starts cautiously only when no one configured its concurrency",
        arguments: [
            ("local", "gpt-4o-mini", nil as Int?, true), ("local", "gpt-4o-mini", 16, false),
            ("azure-east", "gpt-4o", nil, false), ("azure-east", "gpt-4o-mini", nil, false),
        ])
    func cautiousStart(endpoint: String, model: String, job: Int?, cautious: Bool) throws {
        let settings = try Settings.load(configPath: writeConfig(Self.config), environment: [:])
        let lane = settings.laneSettings(endpoint: endpoint, model: model, job: JobSettings(concurrency: job))
        #expect(lane.cautiousStart == cautious)
    }

    @Test("a limit below 1 in the config is an error naming the file and the key")
    func zeroLimit() throws {
        let path = writeConfig(
            #"{"endpoints":{"e":{"type":"openai","url":"http://127.0.0.1:1/v1","deployments":{"m":{"rpm":0}}}}}"#
        )
        let error = try #require(throws: ConfigurationError.self) {
            try Settings.load(configPath: path, environment: [:])
        }
        #expect(error.message.contains(path))
        #expect(error.message.contains("endpoints.e.deployments.m.rpm must be at least 1"))
    }
}
