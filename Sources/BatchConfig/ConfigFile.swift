import BatchCore
import Foundation

/// The optional configuration file (JSON): named endpoints, job settings at each level, drop folders.
///
/// Found at `--config`, else `$BATCHD_CONFIG`, else `$XDG_CONFIG_HOME/batchd/config.json`
/// (`~/.config/batchd/config.json`). Secrets are not written in it: an endpoint names the
/// environment variable (`api_key_env`) or file (`api_key_file`) that holds its key.
///
/// The top level, each endpoint, each deployment and each watch folder take the keys of
/// ``JobSettings`` (`concurrency`, `rpm`, `tpm`, `max_attempts`, `request_timeout_seconds`; the
/// top level and folders also `endpoint`, folders also `priority`). An unknown key is an error that
/// names its path and the nearest known key.
///
/// ```json
/// {
///   "endpoint": "azure-east",
///   "max_attempts": 8, "request_timeout_seconds": 600,
///   "endpoints": {
///     "azure-east": {
///       "type": "azure", "url": "https://myres.openai.azure.com", "api_version": "2024-10-21",
///       "api_key_env": "AZURE_EAST_KEY", "concurrency": 16,
///       "deployments": { "gpt-4o-mini": { "concurrency": 32, "rpm": 6000, "tpm": 1000000 } }
///     },
///     "local": { "type": "openai", "url": "http://127.0.0.1:8080/v1" }
///   }
/// }
/// ```
public struct ConfigFile: Codable, Sendable, Equatable {
    /// The settings every job starts from; `endpoint` is the one `default` means.
    public var settings: JobSettings
    public var endpoints: [String: EndpointEntry]
    /// Folders outside a job's own folder that its requests may upload files from (absolute paths).
    public var allowedFileRoots: [String]? = nil
    /// The largest file a request may upload, in bytes (default 25 MiB).
    public var maxUploadBytes: Int64? = nil
    /// Drop folders watched by the daemon (see ``WatchEntry``).
    public var watch: WatchEntry?
    /// Prices added to or replacing the shipped table's, by model or deployment name.
    public var prices: [String: PriceTable.Entry]? = nil
    /// How old a cached answer may be and still be reused (`30d`, `12h`; ``TimeSpan``; default 30 days).
    public var cacheMaxAge: String? = nil
    /// Whether cached answers also keep a deflated copy of their `response` in the database, so a
    /// hit survives its results file being deleted or changed (default false).
    public var cacheKeepBodies: Bool? = nil

    public init(
        settings: JobSettings = JobSettings(), endpoints: [String: EndpointEntry] = [:],
        watch: WatchEntry? = nil
    ) {
        self.settings = settings
        self.endpoints = endpoints
        self.watch = watch
    }

    /// The endpoint `default` names: `endpoint` (or its older spelling `default_endpoint`).
    public var defaultEndpoint: String? { settings.endpoint }

    enum CodingKeys: String, CodingKey {
        case defaultEndpoint = "default_endpoint"
        case endpoints, watch
        case allowedFileRoots = "allowed_file_roots"
        case maxUploadBytes = "max_upload_bytes"
        case prices
        case cacheMaxAge = "cache_max_age"
        case cacheKeepBodies = "cache_keep_bodies"
    }

    /// The keys of the top level besides the job settings'.
    static let ownKeys = [
        "default_endpoint", "endpoints", "watch", "allowed_file_roots", "max_upload_bytes", "prices",
        "cache_max_age", "cache_keep_bodies",
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        settings = try JobSettings(from: decoder)
        if settings.endpoint == nil {
            settings.endpoint = try container.decodeIfPresent(String.self, forKey: .defaultEndpoint)
        }
        endpoints = try container.decodeIfPresent([String: EndpointEntry].self, forKey: .endpoints) ?? [:]
        allowedFileRoots = try container.decodeIfPresent([String].self, forKey: .allowedFileRoots)
        maxUploadBytes = try container.decodeIfPresent(Int64.self, forKey: .maxUploadBytes)
        watch = try container.decodeIfPresent(WatchEntry.self, forKey: .watch)
        prices = try container.decodeIfPresent([String: PriceTable.Entry].self, forKey: .prices)
        cacheMaxAge = try container.decodeIfPresent(String.self, forKey: .cacheMaxAge)
        cacheKeepBodies = try container.decodeIfPresent(Bool.self, forKey: .cacheKeepBodies)
    }

    public func encode(to encoder: any Encoder) throws {
        try settings.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(endpoints, forKey: .endpoints)
        try container.encodeIfPresent(allowedFileRoots, forKey: .allowedFileRoots)
        try container.encodeIfPresent(maxUploadBytes, forKey: .maxUploadBytes)
        try container.encodeIfPresent(watch, forKey: .watch)
        try container.encodeIfPresent(prices, forKey: .prices)
        try container.encodeIfPresent(cacheMaxAge, forKey: .cacheMaxAge)
        try container.encodeIfPresent(cacheKeepBodies, forKey: .cacheKeepBodies)
    }

    /// One named endpoint, and the settings of the jobs' lanes on it.
    public struct EndpointEntry: Codable, Sendable, Equatable {
        /// `azure` or `openai` (OpenAI and any compatible server).
        public var type: String
        public var url: String
        /// Azure only: a dated version such as `2024-10-21`, or `v1`.
        public var apiVersion: String?
        /// Azure only: the preview `api-version` of `/openai/responses`; without it Responses go to
        /// the v1 route (`/openai/v1/responses`).
        public var responsesAPIVersion: String?
        public var apiKeyEnv: String?
        public var apiKeyFile: String?
        /// Azure only: how requests authenticate (``AuthEntry``); without it, with the API key.
        public var auth: AuthEntry? = nil
        /// Settings of every lane on this endpoint (``JobSettings/sendingKeys``).
        public var settings: JobSettings
        /// Settings of one deployment's (Azure) or model's (OpenAI) lane.
        public var deployments: [String: JobSettings]?

        public init(
            type: String, url: String, apiVersion: String? = nil, responsesAPIVersion: String? = nil,
            apiKeyEnv: String? = nil, apiKeyFile: String? = nil, settings: JobSettings = JobSettings(),
            deployments: [String: JobSettings]? = nil
        ) {
            self.type = type
            self.url = url
            self.apiVersion = apiVersion
            self.responsesAPIVersion = responsesAPIVersion
            self.apiKeyEnv = apiKeyEnv
            self.apiKeyFile = apiKeyFile
            self.settings = settings
            self.deployments = deployments
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case type, url, deployments
            case apiVersion = "api_version"
            case responsesAPIVersion = "responses_api_version"
            case apiKeyEnv = "api_key_env"
            case apiKeyFile = "api_key_file"
            case auth
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            url = try container.decode(String.self, forKey: .url)
            apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
            responsesAPIVersion = try container.decodeIfPresent(String.self, forKey: .responsesAPIVersion)
            apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv)
            apiKeyFile = try container.decodeIfPresent(String.self, forKey: .apiKeyFile)
            auth = try container.decodeIfPresent(AuthEntry.self, forKey: .auth)
            settings = try JobSettings(from: decoder)
            deployments = try container.decodeIfPresent([String: JobSettings].self, forKey: .deployments)
        }

        public func encode(to encoder: any Encoder) throws {
            try settings.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(url, forKey: .url)
            try container.encodeIfPresent(apiVersion, forKey: .apiVersion)
            try container.encodeIfPresent(responsesAPIVersion, forKey: .responsesAPIVersion)
            try container.encodeIfPresent(apiKeyEnv, forKey: .apiKeyEnv)
            try container.encodeIfPresent(apiKeyFile, forKey: .apiKeyFile)
            try container.encodeIfPresent(auth, forKey: .auth)
            try container.encodeIfPresent(deployments, forKey: .deployments)
        }
    }

    /// Reads and decodes the file at `path`; errors name the file, the key and what is wrong.
    public static func load(path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(path): cannot read the configuration file")
        }
        return try decode(data, path: path)
    }

    /// Decodes a configuration file's bytes; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> ConfigFile {
        try KeySchema.configFile.check(json: data, path: path)
        let file = try ConfigDecoding.decode(ConfigFile.self, from: data, path: path)
        try file.checkSettings(path: path)
        return file
    }

    /// Every level's settings must be usable (a limit of 0 would stop a lane for good).
    func checkSettings(path: String) throws {
        if let text = cacheMaxAge, TimeSpan(text) == nil {
            throw ConfigurationError(
                "\(path): cache_max_age: \"\(text)\" is not a span such as 30d, 12h or 90m (a whole number, then s, m, h, d or w)"
            )
        }
        var levels: [(String, JobSettings)] = [("", settings)]
        for (name, endpoint) in endpoints.sorted(by: { $0.key < $1.key }) {
            levels.append(("endpoints.\(name).", endpoint.settings))
            for (deployment, entry) in (endpoint.deployments ?? [:]).sorted(by: { $0.key < $1.key }) {
                levels.append(("endpoints.\(name).deployments.\(deployment).", entry))
            }
        }
        for (index, folder) in (watch?.folders ?? []).enumerated() {
            levels.append(("watch.folders[\(index)].", folder.settings))
        }
        for (prefix, level) in levels {
            if let problem = level.problem(prefix: prefix) { throw ConfigurationError("\(path): \(problem)") }
        }
        for (name, entry) in (prices ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = entry.problem(prefix: "prices.\(name)") {
                throw ConfigurationError("\(path): \(problem)")
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

/// JSON decoding whose errors name the file and the key.
enum ConfigDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            let at = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw ConfigurationError("\(path): \(at) is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError(
                "\(path): \(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type: "
                    + context.debugDescription)
        } catch {
            throw ConfigurationError("\(path): not valid JSON: \(error.localizedDescription)")
        }
    }
}
