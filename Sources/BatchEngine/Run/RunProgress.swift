import BatchCore
import Synchronization

/// A live view of a running job's counters, for progress lines and `STATUS=` messages.
public final class RunProgress: Sendable {
    private let state = Mutex(Snapshot())

    /// The counters at one instant.
    public struct Snapshot: Sendable, Equatable {
        public var counts = JobCounts()
        /// Requests recorded during this run (excludes those recorded by earlier runs).
        public var recordedThisRun = 0
        public var phase: Phase = .starting
    }

    /// What the run is doing.
    public enum Phase: String, Sendable {
        case starting, ingesting, sending, draining, finished
    }

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }
}
