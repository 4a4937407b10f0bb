/// What a lane may do: its concurrency cap and, when known, its per-minute budgets.
public struct LaneSettings: Sendable, Equatable {
    public var concurrency: Int
    /// Requests per minute, from the configuration or the command line; `nil` when not configured.
    public var rpm: Int?
    /// Tokens per minute, likewise.
    public var tpm: Int?

    public init(concurrency: Int, rpm: Int? = nil, tpm: Int? = nil) {
        self.concurrency = concurrency
        self.rpm = rpm
        self.tpm = tpm
    }
}
