/// Exponential backoff with full jitter, for retries the server gave no wait for.
///
/// The ceiling for the `n`-th retry (`n` starting at 1) is
///
///     ceiling(n) = min(maximum, base × 2^(n−1))
///
/// and the wait is drawn uniformly from `0 ... ceiling(n)` ("full jitter", so that many
/// requests failing together do not retry together). With the defaults (`base` 0.5 s,
/// `maximum` 60 s):
///
/// | retry | ceiling |
/// |-------|---------|
/// | 1     | 0.5 s   |
/// | 2     | 1 s     |
/// | 3     | 2 s     |
/// | 4     | 4 s     |
/// | 5     | 8 s     |
/// | 6     | 16 s    |
/// | 7     | 32 s    |
/// | 8+    | 60 s    |
public struct Backoff: Sendable, Equatable {
    /// The ceiling of the first retry.
    public var base: Duration
    /// The largest ceiling.
    public var maximum: Duration

    public init(base: Duration = .milliseconds(500), maximum: Duration = .seconds(60)) {
        self.base = base
        self.maximum = maximum
    }

    /// The upper bound of the wait before retry number `retry` (1-based).
    public func ceiling(forRetry retry: Int) -> Duration {
        let exponent = max(0, min(retry - 1, 40))
        let baseMillis = Double(base.wholeMillisecondsRoundedUp)
        let millis = min(Double(maximum.wholeMillisecondsRoundedUp), baseMillis * Double(1 << exponent))
        return .milliseconds(Int64(millis))
    }

    /// The wait before retry number `retry`, given `unitRandom`, a number in `0 ..< 1`.
    public func delay(forRetry retry: Int, unitRandom: Double) -> Duration {
        let ceiling = Double(ceiling(forRetry: retry).wholeMillisecondsRoundedUp)
        return .milliseconds(Int64((ceiling * min(max(unitRandom, 0), 1)).rounded()))
    }
}
