import BatchCore
import BatchStore

/// One request travelling through the dispatcher: what to send and how many attempts it has had.
public struct DispatchItem: Sendable {
    public var request: PendingRequest
    public var lane: LaneKey
    /// Attempts made so far, across restarts.
    public var attempts: Int
    /// 429 answers received in this run (they are budgeted apart from failures).
    public var throttled = 0
    /// When it may be sent.
    public var due: Timestamp
    /// How long the server took to answer its latest attempt (``HTTPAnswer/latency``); a success's
    /// latency drives the lane's adaptive window (see ``ConcurrencyLimit``).
    public var latency: Duration?

    public init(request: PendingRequest, lane: LaneKey) {
        self.request = request
        self.lane = lane
        self.attempts = request.attempts
        self.due = request.nextAttemptAt
    }
}
