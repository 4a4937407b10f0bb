import BatchCore
import Synchronization

/// The jobs by state the scrapes serve (``JobCensusRule``): the I/O shell around the rule, reading
/// through `read` (the store) with `clock`'s time.
public final class JobCensus: Sendable {
    private let rule = Mutex(JobCensusRule())
    private let clock: any BatchClock
    private let read: @Sendable () async throws -> [JobState: Int]

    public init(clock: any BatchClock, read: @escaping @Sendable () async throws -> [JobState: Int]) {
        self.clock = clock
        self.read = read
    }

    /// The counts to serve now (empty if the first read failed).
    public func current() async -> [JobState: Int] {
        let decision = rule.withLock { $0.scrape(now: clock.now) }
        switch decision {
        case .read:
            return await readNow() ?? [:]
        case .serve(let counts, let refresh):
            if refresh { Task { _ = await self.readNow() } }
            return counts
        }
    }

    /// Reads, records the result in the rule, and returns it (`nil` when the read failed).
    @discardableResult
    public func readNow() async -> [JobState: Int]? {
        let counts = try? await read()
        rule.withLock { $0.read(counts, now: clock.now) }
        return counts
    }
}
