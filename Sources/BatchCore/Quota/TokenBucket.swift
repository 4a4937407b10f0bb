/// A token bucket: holds up to `capacity`, refills continuously at `ratePerSecond`, and lets a
/// request through when it holds the request's cost.
///
/// A per-minute limit L becomes `ratePerSecond = L / 60` with a capacity of one second's worth,
/// the way Azure enforces RPM and TPM over short windows. Worked example, 600 RPM:
///
/// | time  | level before | event                    | level after |
/// |-------|--------------|--------------------------|-------------|
/// | 0 ms  | 10 (full)    | 10 requests sent at once | 0           |
/// | 100 ms| 1            | 1 request sent           | 0           |
/// | 150 ms| 0.5          | wait 50 ms for the next  | 0.5         |
///
/// so after the first second's burst requests leave every 100 ms: 10 per second, 600 per minute.
public struct TokenBucket: Sendable, Equatable {
    public var ratePerSecond: Double
    public var capacity: Double
    public private(set) var level: Double
    private var updated: Timestamp

    /// A bucket that starts full.
    public init(ratePerSecond: Double, capacity: Double, now: Timestamp) {
        self.ratePerSecond = max(ratePerSecond, 1e-9)
        self.capacity = max(capacity, 1)
        self.level = self.capacity
        self.updated = now
    }

    /// A bucket for a per-minute limit, holding one second's worth (at least one request's cost).
    public static func perMinute(_ limit: Int, now: Timestamp, safety: Double = 0.99) -> TokenBucket {
        let rate = Double(limit) / 60 * safety
        return TokenBucket(ratePerSecond: rate, capacity: max(1, rate), now: now)
    }

    mutating func refill(now: Timestamp) {
        let elapsed = Double(max(0, now.milliseconds - updated.milliseconds)) / 1000
        // A level above the capacity (headroom the server announced, ``grant(upTo:now:)``) is
        // spent before the bucket refills again; refilling never lowers it.
        if level < capacity { level = min(capacity, level + elapsed * ratePerSecond) }
        updated = max(updated, now)
    }

    /// Raises the level to `available` when that is higher, above the capacity if need be: the
    /// server said that much is left (headroom, see ``LaneBudget``).
    public mutating func grant(upTo available: Double, now: Timestamp) {
        refill(now: now)
        level = max(level, available)
    }

    /// The wait until the bucket holds `cost` (a cost above the capacity needs a full bucket);
    /// zero when it does now.
    public func wait(for cost: Double, now: Timestamp) -> Duration {
        var copy = self
        copy.refill(now: now)
        let needed = min(cost, capacity) - copy.level
        guard needed > 0 else { return .zero }
        return .milliseconds(Int64((needed / ratePerSecond * 1000).rounded(.up)))
    }

    /// Takes `cost` (the level may go below zero for a cost above the capacity: later requests
    /// then wait for it to be paid back).
    public mutating func take(_ cost: Double, now: Timestamp) {
        refill(now: now)
        level -= cost
    }

    /// Empties the bucket (after a 429: the server's view is that nothing is left), so that sending
    /// resumes at the bucket's rate rather than in a burst.
    public mutating func empty(now: Timestamp) {
        refill(now: now)
        level = min(level, 0)
    }

    /// Lowers the level to what the server says remains, when that is lower.
    public mutating func clamp(toAtMost remaining: Double, now: Timestamp) {
        refill(now: now)
        level = min(level, remaining)
    }

    /// Changes the rate and capacity (a limit learned from the server), keeping the level (at most
    /// the new capacity, unless it holds headroom granted above the old one).
    public mutating func setRate(perSecond rate: Double, capacity: Double, now: Timestamp) {
        refill(now: now)
        let granted = level > self.capacity
        ratePerSecond = max(rate, 1e-9)
        self.capacity = max(capacity, 1)
        if !granted { level = min(level, self.capacity) }
    }
}
