import BatchCore
import DequeModule

/// The requests of one (endpoint, model) pair: their queue, the cap on requests in flight, the
/// per-minute budgets (``LaneBudget``), and a pause that every request of the lane obeys after a 429.
///
/// After a 429 the lane also narrows its window of requests in flight to one and widens it by one
/// per success, up to `concurrency` (a slow start), so that the end of a pause does not release the
/// whole backlog into the same limit at once.
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
    private(set) var budget: LaneBudget

    public init(key: LaneKey, settings: LaneSettings, now: Timestamp) {
        self.key = key
        self.concurrency = max(1, settings.concurrency)
        self.window = self.concurrency
        self.budget = LaneBudget(settings: settings, now: now)
    }

    public init(key: LaneKey, concurrency: Int) {
        self.init(key: key, settings: LaneSettings(concurrency: concurrency), now: Timestamp(milliseconds: 0))
    }

    /// Whether a request may start now, if one is ready: a free slot, no pause, and budget for the
    /// request at the head of the queue.
    public func canSend(now: Timestamp) -> Bool {
        guard inFlight < window, pausedUntil.map({ $0 <= now }) ?? true else { return false }
        guard let head = ready.first else { return true }
        return budget.wait(cost: head.request.cost, now: now) == .zero
    }

    mutating func takeNext(now: Timestamp) -> DispatchItem? {
        guard !ready.isEmpty, canSend(now: now) else { return nil }
        inFlight += 1
        let item = ready.removeFirst()
        budget.charge(cost: item.request.cost, now: now)
        return item
    }

    mutating func completed(succeeded: Bool, now: Timestamp) {
        inFlight -= 1
        if succeeded && window < concurrency { window += 1 }
    }

    /// A 429: pauses the lane until `until` (a later pause wins), narrows its window to one and
    /// empties its budgets.
    public mutating func throttled(until: Timestamp, now: Timestamp) {
        pausedUntil = max(pausedUntil ?? until, until)
        window = 1
        budget.throttled(now: now)
    }

    /// Learns from an answer's rate-limit headers.
    mutating func observe(_ headers: RateLimitHeaders, success: Bool, now: Timestamp) {
        budget.observe(headers, success: success, now: now)
        if success { budget.succeeded(now: now) }
    }

    /// When this lane, though it has work and a free slot, can next send: the end of its pause or
    /// the time its budgets hold the next request's cost.
    func wakeup(now: Timestamp) -> Timestamp? {
        guard let head = ready.first, inFlight < window else { return nil }
        let resume = max(pausedUntil ?? now, now)
        let wait = budget.wait(cost: head.request.cost, now: resume)
        let at = resume.advanced(by: wait)
        return at > now ? at : nil
    }
}
