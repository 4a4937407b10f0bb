import BatchCore
import DequeModule

/// The requests of one (endpoint, model) pair: their queue, the cap on requests in flight, and a
/// pause that every request of the lane obeys after a 429.
///
/// After a 429 the lane also narrows its window of requests in flight to one and widens it by one
/// per success, up to `concurrency` (a slow start), so that the end of a pause does not release the
/// whole backlog into the same limit at once.
///
/// The quota engine (requests and tokens per minute) will plug in as a further condition of
/// ``canSend(now:)``; the dispatcher asks nothing else of a lane.
public struct Lane: Sendable {
    public let key: LaneKey
    /// The configured cap on requests in flight.
    public var concurrency: Int
    /// The current cap: `concurrency`, or less while recovering from a 429.
    public private(set) var window: Int
    public private(set) var inFlight = 0
    /// No request of the lane starts before this time.
    public private(set) var pausedUntil: Timestamp?
    var ready: Deque<DispatchItem> = []

    public init(key: LaneKey, concurrency: Int) {
        self.key = key
        self.concurrency = max(1, concurrency)
        self.window = self.concurrency
    }

    /// Whether a request may start now, if one is ready.
    public func canSend(now: Timestamp) -> Bool {
        inFlight < window && (pausedUntil.map { $0 <= now } ?? true)
    }

    mutating func takeNext(now: Timestamp) -> DispatchItem? {
        guard !ready.isEmpty, canSend(now: now) else { return nil }
        inFlight += 1
        return ready.removeFirst()
    }

    mutating func completed(succeeded: Bool) {
        inFlight -= 1
        if succeeded && window < concurrency { window += 1 }
    }

    /// A 429: pauses the lane until `until` (a later pause wins) and narrows its window to one.
    public mutating func throttled(until: Timestamp) {
        pausedUntil = max(pausedUntil ?? until, until)
        window = 1
    }

    /// When this lane, though it has work, waits for its pause to end.
    func wakeup(now: Timestamp) -> Timestamp? {
        guard !ready.isEmpty, inFlight < window, let pausedUntil, pausedUntil > now else { return nil }
        return pausedUntil
    }
}
