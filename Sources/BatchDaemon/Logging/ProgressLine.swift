import BatchCore
import BatchEngine

/// One job's progress line, as the daemon logs it every 30 s and `STATUS=` shows it: lines done
/// of the total, the rate over the last interval, the time left at that rate, 429s received.
///
///     job 3: 1,200/10,000 done (12%), 40.0/s, ETA 3m40s, 12 429s
///
/// A pure value: from two snapshots of a run's counters and the time between them.
public struct ProgressLine: Sendable, Equatable {
    public var job: Int64
    public var done: Int
    public var total: Int
    /// Lines recorded per second over the interval; `nil` on the first look.
    public var rate: Double?
    /// Seconds left at `rate`; `nil` when the rate is unknown or 0.
    public var etaSeconds: Int?
    public var throttled: Int

    public init(job: Int64, previous: (counts: JobCounts, at: Timestamp)?, current: JobCounts, now: Timestamp)
    {
        self.job = job
        done = current.succeeded + current.failed
        total = current.requests
        throttled = current.throttled
        if let previous, now > previous.at {
            let seconds = Double(now.milliseconds - previous.at.milliseconds) / 1000
            let recorded = max(0, done - (previous.counts.succeeded + previous.counts.failed))
            let rate = Double(recorded) / seconds
            self.rate = rate
            etaSeconds = rate > 0 ? Int((Double(max(0, total - done)) / rate).rounded(.up)) : nil
        }
    }

    public var text: String {
        let percent = total > 0 ? done * 100 / total : 0
        var parts = ["job \(job): \(Self.grouped(done))/\(Self.grouped(total)) done (\(percent)%)"]
        if let rate { parts.append("\((rate * 10).rounded() / 10)/s") }
        if let etaSeconds { parts.append("ETA \(Self.duration(etaSeconds))") }
        parts.append("\(Self.grouped(throttled)) 429s")
        return parts.joined(separator: ", ")
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    /// `3m40s`, `2h05m`, `45s`.
    static func duration(_ seconds: Int) -> String {
        if seconds >= 3600 {
            let minutes = (seconds % 3600) / 60
            return "\(seconds / 3600)h\(minutes < 10 ? "0" : "")\(minutes)m"
        }
        if seconds >= 60 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds)s"
    }
}
