/// The rate of a growing counter over the last `window` (`batchctl watch`: lines per second over
/// the last 30 s, tokens per minute).
///
/// Feed it the counter's value at each sample (``add(_:at:)``); ``perSecond`` is the growth
/// between the oldest sample still inside the window and the newest, over the time between them;
/// `nil` until two samples span some time.
public struct SlidingRate: Sendable, Equatable {
    public let window: Duration
    private var samples: [(time: Timestamp, value: Double)] = []

    public init(window: Duration) {
        self.window = window
    }

    /// Records the counter's `value` at `time` (times must not go backwards).
    public mutating func add(_ value: Double, at time: Timestamp) {
        samples.append((time, value))
        let oldest = time.milliseconds - window.wholeMillisecondsRoundedUp
        // Keep the newest sample at or before the window's start, so the rate spans the whole window.
        while samples.count > 2, samples[1].time.milliseconds <= oldest { samples.removeFirst() }
    }

    /// Growth per second over the window, or `nil` before two samples span some time.
    public var perSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.time > first.time else { return nil }
        return (last.value - first.value) / (Double(last.time.milliseconds - first.time.milliseconds) / 1000)
    }

    public static func == (lhs: SlidingRate, rhs: SlidingRate) -> Bool {
        lhs.window == rhs.window && lhs.samples.map(\.time) == rhs.samples.map(\.time)
            && lhs.samples.map(\.value) == rhs.samples.map(\.value)
    }
}
