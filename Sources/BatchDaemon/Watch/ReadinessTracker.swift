import BatchConfig
import BatchCore

/// Decides when a file in a drop folder is complete enough to become a job: the pure rule, fed
/// with observations and the time, so it is tested without a filesystem or a real clock.
///
/// Guarantees:
/// - a file known to be open for writing is never ready, and its quiet period starts at the first
///   look that finds it closed;
/// - once a look found a writer, the file stays open until a look finds none: an unknown answer
///   (`openForWriting == nil`, such as a lease attempt that failed for another reason) never counts
///   as closed, so a writer that pauses mid-file is not mistaken for one that finished;
/// - a file that arrived by rename into the folder is ready at once;
/// - any other file is ready once its size and modification time have not changed for
///   `quietPeriod` of observations (the first observation starts the count, each change restarts it);
/// - a file is reported ready once; ``forget(_:)`` lets it be considered again.
public struct ReadinessTracker: Sendable {
    /// What a look at a file found.
    public struct Observation: Sendable, Equatable {
        public var size: Int64
        public var mtimeNanoseconds: Int64
        /// Whether another process holds the file open for writing; `nil` when that cannot be known.
        public var openForWriting: Bool?

        public init(size: Int64, mtimeNanoseconds: Int64, openForWriting: Bool?) {
            self.size = size
            self.mtimeNanoseconds = mtimeNanoseconds
            self.openForWriting = openForWriting
        }
    }

    /// The verdict for one observation.
    public enum Decision: Sendable, Equatable {
        /// Take the file now.
        case ready
        /// Look again at (or after) this time.
        case wait(until: Timestamp)
        /// Already reported ready; nothing to do.
        case taken
    }

    private struct Entry {
        var size: Int64
        var mtime: Int64
        var stableSince: Timestamp
        var renamedIn: Bool
        var taken: Bool
        var wasOpen = false
    }

    public let quietPeriod: Duration
    private var entries: [String: Entry] = [:]

    public init(quietPeriod: Duration) {
        self.quietPeriod = quietPeriod
    }

    /// Paths seen and not yet taken.
    public var pending: [String] {
        entries.filter { !$0.value.taken }.map(\.key).sorted()
    }

    /// Paths not yet taken whose writer was found and not since found gone.
    public var writing: [String] {
        entries.filter { $0.value.wasOpen && !$0.value.taken }.map(\.key).sorted()
    }

    /// Records that `path` was renamed into the folder (it was complete where it was written).
    public mutating func renamedIn(_ path: String, now: Timestamp) {
        if var entry = entries[path], !entry.taken {
            entry.renamedIn = true
            entries[path] = entry
        } else {
            entries[path] = Entry(size: -1, mtime: -1, stableSince: now, renamedIn: true, taken: false)
        }
    }

    /// Records what a look at `path` found at `now` and decides.
    public mutating func observe(_ path: String, _ observation: Observation, now: Timestamp) -> Decision {
        var entry =
            entries[path]
            ?? Entry(
                size: observation.size, mtime: observation.mtimeNanoseconds, stableSince: now,
                renamedIn: false, taken: false)
        if entry.taken {
            if entry.size == observation.size && entry.mtime == observation.mtimeNanoseconds {
                return .taken
            }
            // Replaced or rewritten after it was taken: a new version, watched from the start.
            entry = Entry(
                size: observation.size, mtime: observation.mtimeNanoseconds, stableSince: now,
                renamedIn: false, taken: false)
        }
        let changed = entry.size != observation.size || entry.mtime != observation.mtimeNanoseconds
        if changed && entry.size >= 0 {
            entry.renamedIn = false
            entry.stableSince = now
        }
        if changed && entry.size < 0 {
            entry.stableSince = now
        }
        entry.size = observation.size
        entry.mtime = observation.mtimeNanoseconds
        defer { entries[path] = entry }
        if observation.openForWriting == true {
            entry.renamedIn = false
            entry.wasOpen = true
            entry.stableSince = now
            return .wait(until: now.advanced(by: quietPeriod))
        }
        if entry.wasOpen {
            guard observation.openForWriting == false else {
                // Unknown says nothing about the writer seen before: it may still be there.
                entry.stableSince = now
                return .wait(until: now.advanced(by: quietPeriod))
            }
            // The writer closed it since the last look: the quiet period starts now.
            entry.wasOpen = false
            entry.stableSince = now
        }
        let readyAt = entry.stableSince.advanced(by: quietPeriod)
        if entry.renamedIn || now >= readyAt {
            entry.taken = true
            return .ready
        }
        return .wait(until: readyAt)
    }

    /// Forgets every path not in `present` (a scan found them gone).
    public mutating func forgetAll(except present: Set<String>) {
        entries = entries.filter { present.contains($0.key) }
    }

    /// Forgets `path` (it was deleted, or taking it failed and it should be watched afresh).
    public mutating func forget(_ path: String) {
        entries[path] = nil
    }
}
