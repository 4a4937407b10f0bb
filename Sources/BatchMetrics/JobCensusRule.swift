import BatchCore

/// When a scrape reads the jobs by state from the store, and when it serves the last count: the
/// store has one connection behind one lock, which the running jobs' commits and ingests hold, so a
/// scrape that read it every time would wait behind them (measured: p99 over 200 ms with 16 jobs).
/// Only the first scrape waits for a read; later ones serve the last count at once and, when it is
/// older than ``maximumAge``, start one read in the background for the scrapes after them.
public struct JobCensusRule: Sendable, Equatable {
    /// How old a served count may be before a new read starts.
    public static let maximumAge: Duration = .seconds(1)

    public private(set) var counts: [JobState: Int]?
    public private(set) var readAt: Timestamp?
    public private(set) var reading = false

    public init() {}

    public enum Decision: Sendable, Equatable {
        /// Nothing known yet: read and wait for it.
        case read
        /// Serve `counts`; with `refresh`, a read starts in the background.
        case serve([JobState: Int], refresh: Bool)
    }

    /// What a scrape at `now` does; marks a read as started when it decides one.
    public mutating func scrape(now: Timestamp) -> Decision {
        guard let counts else {
            // Scrapes before the first count all read (they cannot serve nothing as zero jobs).
            reading = true
            return .read
        }
        let stale = readAt.map { now.milliseconds - $0.milliseconds >= Self.maximumAge.milliseconds } ?? true
        let refresh = stale && !reading
        if refresh { reading = true }
        return .serve(counts, refresh: refresh)
    }

    /// A read finished at `now` with `counts` (`nil`: it failed; the last count stays served).
    public mutating func read(_ counts: [JobState: Int]?, now: Timestamp) {
        reading = false
        guard let counts else { return }
        self.counts = counts
        readAt = now
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
