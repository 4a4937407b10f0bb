/// Which flavour of 429 answers (bodies and headers) the simulator imitates.
///
/// Both flavours send `retry-after-ms`, `retry-after` and the `x-ratelimit-remaining-*` headers on a
/// rate-limit 429. `.openAI` additionally sends the `x-ratelimit-limit-*` and `x-ratelimit-reset-*`
/// headers on every answer.
public enum RateLimitStyle: String, Sendable, CaseIterable {
    /// Azure OpenAI: `{"error":{"code":"429","message":"Requests to the … Operation …"}}`.
    case azure
    /// OpenAI: `{"error":{"message":"Rate limit reached …","type":"requests"|"tokens","code":"rate_limit_exceeded"}}`.
    case openAI = "openai"
}

/// Everything that shapes a ``Simulator``'s behaviour: where it listens, how it authenticates,
/// how slow it is, its rate limits and the faults it injects.
///
/// A value type; the simulator copies it at creation and never changes it afterwards.
public struct SimulatorConfiguration: Sendable {
    /// The address to bind. Must be a loopback address for the executable; the library does not check.
    public var host: String = "127.0.0.1"
    /// The port to bind; 0 lets the system pick one (``Simulator/start()`` returns it).
    public var port: Int = 0
    /// When set, every API request must carry `api-key: KEY` or `Authorization: Bearer KEY`,
    /// otherwise it is answered 401 with an `invalid_api_key` error body.
    public var apiKey: String? = nil
    /// Added before answering each request (except 429 answers, which are immediate).
    public var latency: Duration = .zero
    /// A uniformly random extra delay in `0...latencyJitter` added on top of ``latency``.
    public var latencyJitter: Duration = .zero
    /// Requests per minute per deployment/model; `nil` means unlimited. See ``RateLimiter``.
    public var rpm: Int? = nil
    /// Tokens per minute per deployment/model; `nil` means unlimited. See ``RateLimiter``.
    public var tpm: Int? = nil
    /// How many seconds' worth the rate-limit buckets hold, full at start: 1 (Azure enforces over
    /// short windows), 60 for a bucket of a full minute (OpenAI's limiter). See ``RateLimiter``.
    public var burstSeconds: Double = 1
    /// How latency grows with the requests served at once (``ServerModel``); `.fixed` by default.
    public var serverModel: ServerModel = .fixed
    /// Probabilities of injected faults per API request. See ``FaultRates``.
    public var faults: FaultRates = .none
    /// How long a "hang" fault holds the request without answering before closing the connection.
    public var hangDuration: Duration = .seconds(3600)
    /// The embedding vector length used when a request has no `dimensions`.
    public var embeddingDimensions: Int = 8
    /// Embedding inputs over this many tokens are refused with OpenAI's 400; `nil`: 8,192.
    public var maxInputTokens: Int? = nil
    /// Which 429 body/header flavour to send.
    public var rateLimitStyle: RateLimitStyle = .azure
    /// When set, the simulator is also a Microsoft Entra ID (token endpoint, IMDS, App Service)
    /// and API requests need a bearer token it issued (``EntraSimulation``).
    public var entra: EntraSimulation? = nil
    /// How the Files and Batches API routes behave (``BatchSimulation``).
    public var batches = BatchSimulation()

    /// A configuration with the defaults: loopback, any port, no key, no latency, no limits, no faults.
    public init() {}
}
