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
    /// When its current attempt started, and when that attempt's answer came: the latency that
    /// drives the lane's adaptive window (see ``ConcurrencyLimit``).
    public var startedAt: Timestamp?
    public var answeredAt: Timestamp?

    /// How long the current attempt took to be answered, once it has been.
    public var latency: Duration? {
        guard let startedAt, let answeredAt else { return nil }
        return .milliseconds(max(0, answeredAt.milliseconds - startedAt.milliseconds))
    }

    public init(request: PendingRequest, lane: LaneKey) {
        self.request = request
        self.lane = lane
        self.attempts = request.attempts
        self.due = request.nextAttemptAt
    }
}
