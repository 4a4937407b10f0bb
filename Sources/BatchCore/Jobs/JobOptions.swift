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

    public init(concurrency: Int? = nil, maxAttempts: Int? = nil, requestTimeoutSeconds: Double? = nil) {
        self.concurrency = concurrency
        self.maxAttempts = maxAttempts
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }

    enum CodingKeys: String, CodingKey {
        case concurrency
        case maxAttempts = "max_attempts"
        case requestTimeoutSeconds = "request_timeout_seconds"
    }
}
