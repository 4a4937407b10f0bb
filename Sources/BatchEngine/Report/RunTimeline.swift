import BatchCore

/// What happened in each 10-second interval of a job's runs, by wall-clock time: lines finished
/// (recorded, succeeded or failed), of which failed, 429 answers, and tokens the answers reported.
/// Intervals are aligned on multiples of 10 s since the epoch, so the runs of a job share them;
/// intervals in which nothing happened are absent.
public struct RunTimeline: Sendable, Codable, Equatable {
    /// The interval length, in milliseconds.
    public static let intervalMilliseconds: Int64 = 10_000

    /// One interval's counts.
    public struct Interval: Sendable, Codable, Equatable {
        /// Its start, milliseconds since the epoch (a multiple of ``RunTimeline/intervalMilliseconds``).
        public var start: Int64
        public var finished = 0
        public var failed = 0
        public var throttled = 0
        public var tokens = 0

        public init(start: Int64) { self.start = start }
    }

    private var intervals: [Int64: Interval] = [:]

    public init() {}

    /// The intervals in time order.
    public var ordered: [Interval] { intervals.values.sorted { $0.start < $1.start } }

    /// Changes the interval that holds `time`.
    public mutating func update(at time: Timestamp, _ change: (inout Interval) -> Void) {
        let start = Self.start(of: time)
        change(&intervals[start, default: Interval(start: start)])
    }

    /// Adds `other`'s counts, interval by interval.
    public mutating func add(_ other: RunTimeline) {
        for interval in other.intervals.values {
            update(at: Timestamp(milliseconds: interval.start)) {
                $0.finished += interval.finished
                $0.failed += interval.failed
                $0.throttled += interval.throttled
                $0.tokens += interval.tokens
            }
        }
    }

    static func start(of time: Timestamp) -> Int64 {
        let ms = time.milliseconds
        let floor =
            ms >= 0 ? ms / intervalMilliseconds : (ms - intervalMilliseconds + 1) / intervalMilliseconds
        return floor * intervalMilliseconds
    }

    public init(from decoder: any Decoder) throws {
        let list = try decoder.singleValueContainer().decode([Interval].self)
        self.init()
        for interval in list { intervals[interval.start] = interval }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ordered)
    }
}
