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
    /// Open the window at ``ConcurrencyLimit/initialWindow`` and slow-start up to `concurrency`,
    /// rather than at `concurrency` at once: for a cap nobody chose (the default).
    public var cautiousStart: Bool

    public init(concurrency: Int, rpm: Int? = nil, tpm: Int? = nil, cautiousStart: Bool = false) {
        self.concurrency = concurrency
        self.rpm = rpm
        self.tpm = tpm
        self.cautiousStart = cautiousStart
    }
}
