import BatchCore
import DequeModule

/// The requests of one (endpoint, model) pair: their queue, the cap on requests in flight, and a
/// pause that every request of the lane obeys after a 429.
///
/// The quota engine (requests and tokens per minute) will plug in as a further condition of
/// ``canSend(now:)``; the dispatcher asks nothing else of a lane.
public struct Lane: Sendable {
    public let key: LaneKey
    public var concurrency: Int
    public private(set) var inFlight = 0
    /// No request of the lane starts before this time.
    public private(set) var pausedUntil: Timestamp?
    var ready: Deque<DispatchItem> = []

    public init(key: LaneKey, concurrency: Int) {
        self.key = key
        self.concurrency = max(1, concurrency)
    }

    /// Whether a request may start now, if one is ready.
    public func canSend(now: Timestamp) -> Bool {
        inFlight < concurrency && (pausedUntil.map { $0 <= now } ?? true)
    }

    mutating func takeNext(now: Timestamp) -> DispatchItem? {
        guard !ready.isEmpty, canSend(now: now) else { return nil }
        inFlight += 1
        return ready.removeFirst()
    }

    mutating func completed() {
        inFlight -= 1
    }

    /// Pauses the lane until `until` (a later pause wins).
    public mutating func pause(until: Timestamp) {
        pausedUntil = max(pausedUntil ?? until, until)
    }

    /// When this lane, though it has work, waits for its pause to end.
    func wakeup(now: Timestamp) -> Timestamp? {
        guard !ready.isEmpty, inFlight < concurrency, let pausedUntil, pausedUntil > now else { return nil }
        return pausedUntil
    }
}
