/// A point in wall-clock time, in milliseconds since the Unix epoch.
///
/// batchd stores times in SQLite and compares times written by different processes, so it
/// uses wall-clock milliseconds rather than a monotonic instant.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// This time moved forward by `duration` (rounded up to a whole millisecond).
    public func advanced(by duration: Duration) -> Timestamp {
        Timestamp(milliseconds: milliseconds + duration.wholeMillisecondsRoundedUp)
    }

    /// The duration from `self` to `later`; negative when `later` is earlier.
    public func duration(to later: Timestamp) -> Duration {
        .milliseconds(later.milliseconds - milliseconds)
    }

    public var description: String { "\(milliseconds)ms" }
}

extension Duration {
    /// The duration in whole milliseconds, rounding any fraction up so that a wait is never shorter
    /// than asked.
    public var wholeMillisecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        let millis = attoseconds / 1_000_000_000_000_000
        let rest = attoseconds % 1_000_000_000_000_000
        return seconds * 1000 + millis + (rest > 0 ? 1 : 0)
    }

    /// The duration in seconds as a `Double`.
    public var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
