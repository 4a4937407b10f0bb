/// How a job runs: one value, with one set of keys wherever it is written: the config file's top
/// level, an endpoint, a deployment, a watch folder, a sidecar, and the options of `run` and
/// `submit` (`--max-attempts` for `max_attempts`, and so on).
///
/// A `nil` field is "not set here": the next level down decides (see `Settings` in BatchConfig for
/// the precedence). The job's own settings are stored with it, so they never hold a secret.
public struct JobSettings: Codable, Sendable, Equatable {
    /// The endpoint's name (`default`: the config's, else the environment's).
    public var endpoint: String?
    /// Higher runs first when several jobs are queued.
    public var priority: Int?
    /// Requests in flight at once per lane.
    public var concurrency: Int?
    /// Requests per minute each lane may send.
    public var rpm: Int?
    /// Tokens per minute each lane may use.
    public var tpm: Int?
    /// Attempts per request before its last failure is final.
    public var maxAttempts: Int?
    /// How long one attempt may take, in seconds.
    public var requestTimeoutSeconds: Double?
    /// The most the job may spend, in US dollars (``SpendingCap``); a job's own setting.
    public var maxCost: Double?
    /// Whether the results and errors files are put in input line order once the job completes
    /// (default: completion order); a job's own setting.
    public var ordered: Bool?
    /// Embedding inputs packed into one request at most (1: packing off; at most 2,048).
    public var embeddingInputsPerRequest: Int?
    /// The way lines are sent (``Via``, default `live`); a job's own setting.
    public var via: Via?
    /// At most this many lines per provider batch (below the provider's own cap).
    public var batchMaxLines: Int?
    /// At most this many bytes per uploaded batch file (below 200 MB).
    public var batchMaxBytes: Int64?
    /// Seconds between polls of a provider batch (default 60).
    public var batchPollSeconds: Double?
    /// Where lines a remote batch left unanswered go (``BatchFallback``, default `batch`).
    public var batchFallback: BatchFallback?
    /// Whether the uploaded, output and error files of ended remote batches stay at the provider
    /// (default `false`: deleted once recorded).
    public var keepRemoteFiles: Bool?
    /// Whether earlier answers to the same requests are reused (``CacheMode``, default `auto`).
    public var cache: CacheMode?

    public init(
        endpoint: String? = nil, priority: Int? = nil, concurrency: Int? = nil, rpm: Int? = nil,
        tpm: Int? = nil, maxAttempts: Int? = nil, requestTimeoutSeconds: Double? = nil,
        maxCost: Double? = nil,
        ordered: Bool? = nil, embeddingInputsPerRequest: Int? = nil, via: Via? = nil,
        batchMaxLines: Int? = nil, batchMaxBytes: Int64? = nil, batchPollSeconds: Double? = nil,
        batchFallback: BatchFallback? = nil, keepRemoteFiles: Bool? = nil, cache: CacheMode? = nil
    ) {
        self.endpoint = endpoint
        self.priority = priority
        self.concurrency = concurrency
        self.rpm = rpm
        self.tpm = tpm
        self.maxAttempts = maxAttempts
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxCost = maxCost
        self.ordered = ordered
        self.embeddingInputsPerRequest = embeddingInputsPerRequest
        self.via = via
        self.batchMaxLines = batchMaxLines
        self.batchMaxBytes = batchMaxBytes
        self.batchPollSeconds = batchPollSeconds
        self.batchFallback = batchFallback
        self.keepRemoteFiles = keepRemoteFiles
        self.cache = cache
    }

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case endpoint, priority, concurrency, rpm, tpm
        case maxAttempts = "max_attempts"
        case requestTimeoutSeconds = "request_timeout_seconds"
        case maxCost = "max_cost"
        case ordered
        case embeddingInputsPerRequest = "embedding_inputs_per_request"
        case via
        case batchMaxLines = "batch_max_lines"
        case batchMaxBytes = "batch_max_bytes"
        case batchPollSeconds = "batch_poll_seconds"
        case batchFallback = "batch_fallback"
        case keepRemoteFiles = "keep_remote_files"
        case cache
    }

    /// Every key, as written in files.
    public static let keys: [String] = CodingKeys.allCases.map(\.rawValue)
    /// The keys that shape how requests are sent, valid at every level. `endpoint` and `priority`
    /// choose where a job goes and when it runs: they belong to a job (or to the config's top level,
    /// for `endpoint`), not to an endpoint or a deployment.
    public static let sendingKeys: [String] = [
        CodingKeys.concurrency, .rpm, .tpm, .maxAttempts, .requestTimeoutSeconds, .embeddingInputsPerRequest,
    ].map(\.rawValue)

    /// These settings, with each one they leave unset taken from `base`.
    public func over(_ base: JobSettings) -> JobSettings {
        JobSettings(
            endpoint: endpoint ?? base.endpoint, priority: priority ?? base.priority,
            concurrency: concurrency ?? base.concurrency, rpm: rpm ?? base.rpm, tpm: tpm ?? base.tpm,
            maxAttempts: maxAttempts ?? base.maxAttempts,
            requestTimeoutSeconds: requestTimeoutSeconds ?? base.requestTimeoutSeconds,
            maxCost: maxCost ?? base.maxCost, ordered: ordered ?? base.ordered,
            embeddingInputsPerRequest: embeddingInputsPerRequest ?? base.embeddingInputsPerRequest,
            via: via ?? base.via, batchMaxLines: batchMaxLines ?? base.batchMaxLines,
            batchMaxBytes: batchMaxBytes ?? base.batchMaxBytes,
            batchPollSeconds: batchPollSeconds ?? base.batchPollSeconds,
            batchFallback: batchFallback ?? base.batchFallback,
            keepRemoteFiles: keepRemoteFiles ?? base.keepRemoteFiles, cache: cache ?? base.cache)
    }

    /// Why these settings cannot be used, naming the key under `prefix` (e.g. `endpoints.east.`):
    /// a limit below 1 would stop a lane for good; a timeout must be positive.
    public func problem(prefix: String = "") -> String? {
        let limits: [(CodingKeys, Int?)] = [
            (.concurrency, concurrency), (.rpm, rpm), (.tpm, tpm), (.maxAttempts, maxAttempts),
            (.embeddingInputsPerRequest, embeddingInputsPerRequest),
        ]
        for (key, value) in limits {
            if let value, value < 1 { return "\(prefix)\(key.rawValue) must be at least 1, not \(value)" }
        }
        if let pack = embeddingInputsPerRequest, pack > 2048 {
            return
                "\(prefix)embedding_inputs_per_request must be at most 2048 (the providers' cap), not \(pack)"
        }
        if let timeout = requestTimeoutSeconds, !(timeout > 0) {
            return "\(prefix)request_timeout_seconds must be positive, not \(timeout)"
        }
        if let endpoint, endpoint.isEmpty { return "\(prefix)endpoint must not be empty" }
        if let maxCost, !(maxCost > 0) { return "\(prefix)max_cost must be a positive number of US dollars" }
        if let batchMaxLines, batchMaxLines < 1 {
            return "\(prefix)batch_max_lines must be at least 1, not \(batchMaxLines)"
        }
        if let batchMaxBytes, batchMaxBytes < 1 {
            return "\(prefix)batch_max_bytes must be at least 1, not \(batchMaxBytes)"
        }
        if let batchPollSeconds, !(batchPollSeconds > 0) {
            return "\(prefix)batch_poll_seconds must be positive, not \(batchPollSeconds)"
        }
        return nil
    }
}
