import BatchCore
import BatchTransport
import Foundation

/// Everything a process needs to send requests: the endpoints by name and the limits, resolved
/// from the environment (named as in the official SDKs) and the optional ``ConfigFile``.
///
/// Without a config file the environment defines one endpoint, `default`:
/// `AZURE_OPENAI_ENDPOINT` + `AZURE_OPENAI_API_KEY` + `OPENAI_API_VERSION` (Azure; wins when set;
/// without `AZURE_OPENAI_API_KEY`, Microsoft Entra ID as `DefaultAzureCredential` finds it), else
/// `OPENAI_BASE_URL` (default `https://api.openai.com/v1`) + `OPENAI_API_KEY`.
public struct Settings: Sendable {
    public static let defaultEndpointName = "default"
    public static let defaultConcurrency = 64
    public static let defaultMaxAttempts = 8
    public static let defaultRequestTimeout: Duration = .seconds(600)

    public var file: ConfigFile
    public var environment: [String: String]
    /// What Entra ID token sources run with; `nil`: the process's own (``IdentityServices/shared``).
    public var identity: IdentityServices? = nil

    public init(file: ConfigFile = ConfigFile(), environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    /// Loads the config file from `path`, else `$BATCHD_CONFIG`, else the XDG location if it exists.
    public static func load(configPath: String?, environment: [String: String]) throws -> Settings {
        let explicit = configPath ?? environment["BATCHD_CONFIG"]
        if let explicit {
            return Settings(file: try ConfigFile.load(path: explicit), environment: environment)
        }
        let xdg = Paths.configHome(environment) + "/batchd/config.json"
        if FileManager.default.fileExists(atPath: xdg) {
            return Settings(file: try ConfigFile.load(path: xdg), environment: environment)
        }
        return Settings(environment: environment)
    }

    /// The endpoint a job names. `default` means the config's `default_endpoint` if it has one,
    /// else the endpoint the environment defines.
    public func endpoint(named name: String) throws -> Endpoint {
        if name == Self.defaultEndpointName {
            if let configured = file.defaultEndpoint { return try endpoint(named: configured) }
            if file.endpoints[name] == nil { return try environmentEndpoint() }
        }
        guard let entry = file.endpoints[name] else {
            let known = file.endpoints.keys.sorted().joined(separator: ", ")
            throw ConfigurationError(
                "no endpoint named \"\(name)\" in the configuration file"
                    + (known.isEmpty ? " (it defines none)" : " (it defines: \(known))"))
        }
        return try endpoint(name: name, entry: entry)
    }

    /// The settings one lane of a job runs with: each setting from the most specific level that
    /// sets it. This is the one place the precedence is decided.
    ///
    /// | level (most specific first) | written in |
    /// |---|---|
    /// | 1. the job's own | `run`/`submit` options; for a dropped file its sidecar over its folder's |
    /// | 2. the deployment | `endpoints.NAME.deployments.MODEL` |
    /// | 3. the endpoint | `endpoints.NAME` |
    /// | 4. the top level | the config file's top level |
    /// | 5. built in | concurrency 64, max_attempts 8, request_timeout_seconds 600; rpm and tpm learned from the server |
    ///
    /// `model` is `nil` for what holds for a whole job (its endpoint). `endpoint` and `priority` are
    /// the job's own (levels 1 and, for `endpoint`, 4).
    public func resolved(job: JobSettings, endpoint: String, model: String?) -> JobSettings {
        let entry = file.endpoints[endpointKey(endpoint)]
        let deployment = model.flatMap { entry?.deployments?[$0] } ?? JobSettings()
        return job.over(deployment).over(entry?.settings ?? JobSettings()).over(file.settings)
    }

    /// The config's entry `endpoint` names (`default`: the config's default endpoint).
    private func endpointKey(_ endpoint: String) -> String {
        endpoint == Self.defaultEndpointName ? (file.defaultEndpoint ?? endpoint) : endpoint
    }

    /// The limits of one lane (see ``resolved(job:endpoint:model:)``). A concurrency nobody set
    /// starts cautiously and is learned (``ConcurrencyLimit``).
    public func laneSettings(endpoint: String, model: String, job: JobSettings) -> LaneSettings {
        let settings = resolved(job: job, endpoint: endpoint, model: model)
        return LaneSettings(
            concurrency: max(1, settings.concurrency ?? Self.defaultConcurrency), rpm: settings.rpm,
            tpm: settings.tpm, cautiousStart: settings.concurrency == nil)
    }

    /// The retry policy of one lane of a job.
    public func retryPolicy(job: JobSettings, endpoint: String, model: String?) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: resolved(job: job, endpoint: endpoint, model: model).maxAttempts
                ?? Self.defaultMaxAttempts)
    }

    /// How long one attempt of a request to `model` may take.
    public func requestTimeout(job: JobSettings, endpoint: String, model: String?) -> Duration {
        guard let seconds = resolved(job: job, endpoint: endpoint, model: model).requestTimeoutSeconds,
            seconds > 0
        else { return Self.defaultRequestTimeout }
        return .milliseconds(Int64(seconds * 1000))
    }

    private func environmentEndpoint() throws -> Endpoint {
        let env = environment
        if let azure = env["AZURE_OPENAI_ENDPOINT"], !azure.isEmpty {
            let key = env["AZURE_OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            let version = env["OPENAI_API_VERSION"].flatMap { $0.isEmpty ? nil : $0 }
            guard let version else {
                throw ConfigurationError(
                    "AZURE_OPENAI_ENDPOINT is set but OPENAI_API_VERSION is not: set it to an API version such as"
                        + " 2024-10-21, or v1 for the /openai/v1 API")
            }
            try Self.checkURL(azure, what: "AZURE_OPENAI_ENDPOINT")
            let credential = try azureCredential(
                auth: key == nil ? AuthEntry(type: "entra") : nil, key: key, url: azure,
                keyPath: "AZURE_OPENAI_ENDPOINT")
            return Endpoint(
                name: Self.defaultEndpointName, flavor: .azure(apiVersion: version), baseURL: azure,
                credential: credential)
        }
        let base = env["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.openai.com/v1"
        try Self.checkURL(base, what: "OPENAI_BASE_URL")
        let key = env["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if key == nil && env["OPENAI_BASE_URL"] == nil {
            throw ConfigurationError(
                "no endpoint is configured: set AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and OPENAI_API_VERSION"
                    + " for Azure OpenAI, or OPENAI_API_KEY for OpenAI (with OPENAI_BASE_URL for a compatible"
                    + " server), or name endpoints in a config file (--config)")
        }
        let credential: any CredentialProvider =
            key.map { APIKeyCredential(key: $0, style: .bearer) } ?? NoCredential()
        return Endpoint(
            name: Self.defaultEndpointName, flavor: .openAI, baseURL: base, credential: credential)
    }

    private func endpoint(name: String, entry: ConfigFile.EndpointEntry) throws -> Endpoint {
        let keyPath = "endpoints.\(name)"
        try Self.checkURL(entry.url, what: "\(keyPath).url")
        let key = try apiKey(entry, keyPath: keyPath)
        switch entry.type.lowercased() {
        case "azure":
            guard let version = entry.apiVersion, !version.isEmpty else {
                throw ConfigurationError(
                    "\(keyPath).api_version is missing: set it to e.g. 2024-10-21, or v1")
            }
            let credential = try azureCredential(auth: entry.auth, key: key, url: entry.url, keyPath: keyPath)
            let responsesVersion = entry.responsesAPIVersion.flatMap { $0.isEmpty ? nil : $0 }
            return Endpoint(
                name: name, flavor: .azure(apiVersion: version, responsesAPIVersion: responsesVersion),
                baseURL: entry.url, credential: credential)
        case "openai":
            if entry.auth != nil {
                throw ConfigurationError("\(keyPath).auth applies to Azure endpoints only: remove it")
            }
            if entry.responsesAPIVersion != nil {
                throw ConfigurationError(
                    "\(keyPath).responses_api_version applies to Azure endpoints only: remove it")
            }
            let credential: any CredentialProvider =
                key.map { APIKeyCredential(key: $0, style: .bearer) } ?? NoCredential()
            return Endpoint(name: name, flavor: .openAI, baseURL: entry.url, credential: credential)
        default:
            throw ConfigurationError("\(keyPath).type is \"\(entry.type)\": use \"azure\" or \"openai\"")
        }
    }

    private func apiKey(_ entry: ConfigFile.EndpointEntry, keyPath: String) throws -> String? {
        if let variable = entry.apiKeyEnv {
            guard let key = environment[variable], !key.isEmpty else {
                throw ConfigurationError("\(keyPath).api_key_env names \(variable), which is not set")
            }
            return key
        }
        if let file = entry.apiKeyFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError("\(keyPath).api_key_file: cannot read \(file)")
            }
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else { throw ConfigurationError("\(keyPath).api_key_file: \(file) is empty") }
            return key
        }
        return nil
    }

    private static func checkURL(_ text: String, what: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw ConfigurationError("\(what) is \"\(text)\", which is not an http(s) URL")
        }
    }
}
