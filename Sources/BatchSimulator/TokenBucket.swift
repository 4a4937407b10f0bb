/// A lazily refilled token bucket whose state changes only when a charge is admitted.
///
/// The level refills continuously at ``ratePerSecond`` up to a cap of
/// `max(baseCapacity, cost)` for the cost being checked, and starts full at ``baseCapacity``.
/// A rejected check leaves the state untouched (nothing is charged, nothing is lost).
struct TokenBucket: Sendable {
    /// Refill rate in units per second.
    let ratePerSecond: Double
    /// `burstSeconds` seconds' worth of units (one by default), at least 1.
    let baseCapacity: Double
    /// The level right after the last admitted charge.
    private var level: Double
    /// When ``level`` was recorded (monotonic nanoseconds).
    private var stamp: UInt64

    /// A full bucket at `now` for a per-minute limit: rate `perMinute / 60` per second,
    /// capacity `max(1, perMinute / 60 × burstSeconds)`: one second's worth by default (as Azure
    /// enforces), 60 for a bucket of a whole minute (as OpenAI's limiter holds).
    init(perMinute: Int, now: UInt64, burstSeconds: Double = 1) {
        ratePerSecond = Double(max(perMinute, 0)) / 60
        baseCapacity = max(1, ratePerSecond * max(burstSeconds, 0))
        level = baseCapacity
        stamp = now
    }

    /// The level available at `now` for a charge of `cost`.
    func available(for cost: Double, now: UInt64) -> Double {
        let elapsed = now > stamp ? Double(now - stamp) / 1e9 : 0
        return min(max(baseCapacity, cost), level + elapsed * ratePerSecond)
    }

    /// Slack for floating-point error, so a client spacing requests at exactly the refill interval fits.
    static let tolerance = 1e-9

    /// Nanoseconds until a charge of `cost` fits, given `available` units now; 0 when it fits.
    func nanosecondsUntil(cost: Double, available: Double) -> Int64 {
        guard cost > available + Self.tolerance else { return 0 }
        guard ratePerSecond > 0 else { return Int64.max / 2 }
        return Int64(((cost - available) / ratePerSecond * 1e9).rounded(.up))
    }

    /// Nanoseconds until the bucket is back at ``baseCapacity`` from `level`.
    func nanosecondsUntilFull(from level: Double) -> Int64 {
        guard level < baseCapacity, ratePerSecond > 0 else { return 0 }
        return Int64(((baseCapacity - level) / ratePerSecond * 1e9).rounded(.up))
    }

    /// Records an admitted charge of `cost` out of `available` units at `now`.
    mutating func charge(_ cost: Double, available: Double, now: UInt64) {
        level = max(0, available - cost)
        stamp = now
    }
}
