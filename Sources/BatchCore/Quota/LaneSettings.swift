/// What a lane may do: its cap on requests in flight and, when known, its per-minute budgets.
///
/// Comes from the deployment's entry in the configuration, overridden by a job's own options
/// (`batchctl run --concurrency/--rpm/--tpm`). A `nil` budget is not "unlimited": the lane then
/// learns the limit from the server (see ``LaneBudget``).
public struct LaneSettings: Sendable, Equatable {
    public var concurrency: Int
    /// Requests per minute; `nil` when not configured.
    public var rpm: Int?
    /// Tokens per minute; `nil` when not configured.
    public var tpm: Int?

    public init(concurrency: Int, rpm: Int? = nil, tpm: Int? = nil) {
        self.concurrency = concurrency
        self.rpm = rpm
        self.tpm = tpm
    }
}
