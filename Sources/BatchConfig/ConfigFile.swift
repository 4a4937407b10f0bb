import Foundation

/// The optional configuration file (JSON): named endpoints and per-deployment limits.
///
/// Found at `--config`, else `$BATCHD_CONFIG`, else `$XDG_CONFIG_HOME/batchd/config.json`
/// (`~/.config/batchd/config.json`). Secrets are not written in it: an endpoint names the
/// environment variable (`api_key_env`) or file (`api_key_file`) that holds its key.
///
/// ```json
/// {
///   "default_endpoint": "azure-east",
///   "endpoints": {
///     "azure-east": {
///       "type": "azure", "url": "https://myres.openai.azure.com", "api_version": "2024-10-21",
///       "api_key_env": "AZURE_EAST_KEY", "concurrency": 16,
///       "deployments": { "gpt-4o-mini": { "concurrency": 32, "rpm": 6000, "tpm": 1000000 } }
///     },
///     "local": { "type": "openai", "url": "http://127.0.0.1:8080/v1" }
///   },
///   "max_attempts": 8,
///   "request_timeout_seconds": 600
/// }
/// ```
public struct ConfigFile: Codable, Sendable, Equatable {
    public var defaultEndpoint: String?
    public var endpoints: [String: EndpointEntry]
    public var maxAttempts: Int?
    public var requestTimeoutSeconds: Double?
    /// Folders outside a job's own folder that its requests may upload files from (absolute paths).
    public var allowedFileRoots: [String]? = nil
    /// The largest file a request may upload, in bytes (default 25 MiB).
    public var maxUploadBytes: Int64? = nil
    /// Drop folders watched by the daemon (see ``WatchEntry``).
    public var watch: WatchEntry?

    public init(
        defaultEndpoint: String? = nil, endpoints: [String: EndpointEntry] = [:], maxAttempts: Int? = nil,
        requestTimeoutSeconds: Double? = nil, watch: WatchEntry? = nil
    ) {
        self.defaultEndpoint = defaultEndpoint
        self.endpoints = endpoints
        self.maxAttempts = maxAttempts
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.watch = watch
    }

    enum CodingKeys: String, CodingKey {
        case defaultEndpoint = "default_endpoint"
        case endpoints, watch
        case maxAttempts = "max_attempts"
        case requestTimeoutSeconds = "request_timeout_seconds"
        case allowedFileRoots = "allowed_file_roots"
        case maxUploadBytes = "max_upload_bytes"
    }

    /// One named endpoint.
    public struct EndpointEntry: Codable, Sendable, Equatable {
        /// `azure` or `openai` (OpenAI and any compatible server).
        public var type: String
        public var url: String
        /// Azure only: a dated version such as `2024-10-21`, or `v1`.
        public var apiVersion: String?
        /// Azure only: the api-version of `/openai/responses` (a preview such as
        /// `2025-04-01-preview`). Without it, Responses go to `/openai/v1/responses`, which takes none.
        public var responsesAPIVersion: String?
        public var apiKeyEnv: String?
        public var apiKeyFile: String?
        public var concurrency: Int?
        public var deployments: [String: DeploymentEntry]?

        public init(
            type: String, url: String, apiVersion: String? = nil, apiKeyEnv: String? = nil,
            apiKeyFile: String? = nil, concurrency: Int? = nil, deployments: [String: DeploymentEntry]? = nil,
            responsesAPIVersion: String? = nil
        ) {
            self.type = type
            self.url = url
            self.apiVersion = apiVersion
            self.responsesAPIVersion = responsesAPIVersion
            self.apiKeyEnv = apiKeyEnv
            self.apiKeyFile = apiKeyFile
            self.concurrency = concurrency
            self.deployments = deployments
        }

        enum CodingKeys: String, CodingKey {
            case type, url, concurrency, deployments
            case apiVersion = "api_version"
            case responsesAPIVersion = "responses_api_version"
            case apiKeyEnv = "api_key_env"
            case apiKeyFile = "api_key_file"
        }
    }

    /// Limits for one deployment (Azure) or model (OpenAI).
    public struct DeploymentEntry: Codable, Sendable, Equatable {
        public var concurrency: Int?
        /// Requests per minute the deployment allows.
        public var rpm: Int?
        /// Tokens per minute the deployment allows (charged on arrival: prompt estimate + max tokens).
        public var tpm: Int?

        public init(concurrency: Int? = nil, rpm: Int? = nil, tpm: Int? = nil) {
            self.concurrency = concurrency
            self.rpm = rpm
            self.tpm = tpm
        }
    }

    /// Reads and decodes the file at `path`; errors name the file and what is wrong.
    public static func load(path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(path): cannot read the configuration file")
        }
        let file: ConfigFile
        do {
            file = try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigurationError(
                "\(path): missing key \"\(key.stringValue)\" at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            )
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError(
                "\(path): wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
            )
        } catch {
            throw ConfigurationError("\(path): not valid JSON: \(error.localizedDescription)")
        }
        try file.checkLimits(path: path)
        return file
    }

    /// Every concurrency, rpm and tpm given must be at least 1 (0 would stop a lane for good).
    func checkLimits(path: String) throws {
        for (name, endpoint) in endpoints.sorted(by: { $0.key < $1.key }) {
            var limits: [(String, Int?)] = [("endpoints.\(name).concurrency", endpoint.concurrency)]
            for (deployment, entry) in (endpoint.deployments ?? [:]).sorted(by: { $0.key < $1.key }) {
                let prefix = "endpoints.\(name).deployments.\(deployment)"
                limits += [
                    ("\(prefix).concurrency", entry.concurrency), ("\(prefix).rpm", entry.rpm),
                    ("\(prefix).tpm", entry.tpm),
                ]
            }
            if let (key, value) = limits.first(where: { ($0.1 ?? 1) < 1 }) {
                throw ConfigurationError("\(path): \(key) must be at least 1, not \(value!)")
            }
        }
    }
}

/// A configuration problem, with a message that says which variable, file or key to fix.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
