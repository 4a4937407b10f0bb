/// Per-job settings chosen at submit time and stored with the job (never a secret).
///
/// A `nil` field means "use the endpoint's or the daemon's default".
public struct JobOptions: Codable, Sendable, Equatable {
    /// Requests in flight at once per lane.
    public var concurrency: Int?
    /// Attempts per request before its last failure is final.
    public var maxAttempts: Int?
    /// How long one attempt may take, in seconds.
    public var requestTimeoutSeconds: Double?
    /// Requests per minute each lane of the job may send.
    public var rpm: Int?
    /// Tokens per minute each lane of the job may use.
    public var tpm: Int?

    public init(
        concurrency: Int? = nil, maxAttempts: Int? = nil, requestTimeoutSeconds: Double? = nil,
        rpm: Int? = nil,
        tpm: Int? = nil
    ) {
        self.concurrency = concurrency
        self.maxAttempts = maxAttempts
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.rpm = rpm
        self.tpm = tpm
    }

    enum CodingKeys: String, CodingKey {
        case concurrency
        case maxAttempts = "max_attempts"
        case requestTimeoutSeconds = "request_timeout_seconds"
        case rpm, tpm
    }
}
