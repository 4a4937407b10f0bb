import Histogram

/// Answer latencies in milliseconds, kept in an HDR histogram (three significant digits: any
/// percentile it reports is within 0.1 % of the true value), growing as larger values arrive.
///
/// Encoded compactly as the values it holds with their counts, `[[ms, count], …]`, so that the
/// document saved after each run stays small whatever the spread; merging two (``add(_:)``) gives
/// the histogram of both runs' answers.
public struct LatencyHistogram: Sendable, Codable, Equatable {
    private var histogram: Histogram<UInt64>

    public init() {
        histogram = Histogram(highestTrackableValue: 60_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// How many latencies were recorded.
    public var count: Int { Int(histogram.totalCount) }

    /// Records one answer's latency.
    public mutating func record(milliseconds: Int64) {
        _ = histogram.record(UInt64(Swift.max(0, milliseconds)))
    }

    /// Adds every latency `other` holds.
    public mutating func add(_ other: LatencyHistogram) {
        for entry in other.entries { _ = histogram.record(entry.milliseconds, count: entry.count) }
    }

    /// The latency at `percentile` (0–100), in milliseconds; 0 when nothing was recorded.
    public func value(atPercentile percentile: Double) -> Int64 {
        count == 0 ? 0 : Int64(histogram.valueAtPercentile(percentile))
    }

    /// The largest latency recorded (to the histogram's precision), in milliseconds.
    public var max: Int64 { count == 0 ? 0 : Int64(histogram.max) }

    /// Each distinct value held (to the histogram's precision) with how many latencies it stands for.
    public var entries: [(milliseconds: UInt64, count: UInt64)] {
        histogram.recordedValues().map { ($0.value, $0.count) }
    }

    public static func == (lhs: LatencyHistogram, rhs: LatencyHistogram) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.milliseconds == $1.milliseconds && $0.count == $1.count }
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        var pairs = try decoder.unkeyedContainer()
        while !pairs.isAtEnd {
            var pair = try pairs.nestedUnkeyedContainer()
            let value = try pair.decode(UInt64.self)
            let count = try pair.decode(UInt64.self)
            _ = histogram.record(value, count: count)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var pairs = encoder.unkeyedContainer()
        for entry in entries { try pairs.encode([entry.milliseconds, entry.count]) }
    }
}
