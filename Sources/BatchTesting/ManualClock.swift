import BatchCore
import Synchronization

/// A ``BatchClock`` that only moves when a test advances it.
///
/// `sleep(until:)` suspends until ``advance(by:)`` or ``advance(to:)`` reaches the deadline, and
/// throws `CancellationError` when the sleeping task is cancelled. ``sleeperCount`` and
/// ``waitForSleepers(_:maxYields:)`` let a test wait until the code under test is asleep.
public final class ManualClock: BatchClock {
    private enum Sleeper {
        case waiting(deadline: Timestamp, continuation: CheckedContinuation<Void, any Error>)
        case cancelled
    }

    private struct State {
        var now: Timestamp
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let state: Mutex<State>

    public init(now: Timestamp = Timestamp(milliseconds: 1_700_000_000_000)) {
        state = Mutex(State(now: now))
    }

    public var now: Timestamp { state.withLock { $0.now } }

    /// How many tasks are suspended in `sleep(until:)`.
    public var sleeperCount: Int {
        state.withLock { state in
            state.sleepers.values.count { if case .waiting = $0 { true } else { false } }
        }
    }

    /// Moves the clock forward by `duration` and wakes every sleeper whose deadline is reached.
    public func advance(by duration: Duration) {
        let target = now.advanced(by: duration)
        advance(to: target)
    }

    /// Moves the clock to `time` (never backwards) and wakes every sleeper whose deadline is reached.
    public func advance(to time: Timestamp) {
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = max(state.now, time)
            var due: [CheckedContinuation<Void, any Error>] = []
            for (id, sleeper) in state.sleepers {
                if case .waiting(let deadline, let continuation) = sleeper, deadline <= state.now {
                    due.append(continuation)
                    state.sleepers[id] = nil
                }
            }
            return due
        }
        for continuation in due { continuation.resume() }
    }

    public func sleep(until deadline: Timestamp) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case wait, resume, cancel }
                let action = state.withLock { state -> Action in
                    if case .cancelled = state.sleepers[id] {
                        state.sleepers[id] = nil
                        return .cancel
                    }
                    if deadline <= state.now { return .resume }
                    state.sleepers[id] = .waiting(deadline: deadline, continuation: continuation)
                    return .wait
                }
                switch action {
                case .wait: break
                case .resume: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                switch state.sleepers[id] {
                case .waiting(_, let continuation):
                    state.sleepers[id] = nil
                    return continuation
                case .cancelled:
                    return nil
                case nil:
                    // Not registered yet: the operation sees this mark and throws at once.
                    state.sleepers[id] = .cancelled
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// The deadlines of the tasks sleeping now, earliest first.
    public var deadlines: [Timestamp] {
        state.withLock { state in
            state.sleepers.values.compactMap { sleeper -> Timestamp? in
                if case .waiting(let deadline, _) = sleeper { return deadline }
                return nil
            }.sorted()
        }
    }

    /// Yields until at least `count` tasks sleep on this clock, at most `maxYields` times.
    /// Returns whether they did.
    @discardableResult
    public func waitForSleepers(_ count: Int, maxYields: Int = 1_000_000) async -> Bool {
        await waitUntil(maxYields: maxYields) { self.sleeperCount >= count }
    }

    /// Yields until `condition` holds, at most `maxYields` times (no wall-clock wait). Returns
    /// whether it held.
    @discardableResult
    public func waitUntil(maxYields: Int = 1_000_000, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<maxYields {
            if condition() { return true }
            await Task.yield()
        }
        return condition()
    }
}
