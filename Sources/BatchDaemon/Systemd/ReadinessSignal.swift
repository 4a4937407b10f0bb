import Synchronization

/// A one-shot event: ``signal()`` once, and every ``wait()`` (before or after) returns.
///
/// Used so the systemd notifier says READY=1 only after the parts of the daemon that recover
/// state at start (the drop folders' first scan) are done.
public final class ReadinessSignal: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, Never>])
        case signalled
    }

    private let state = Mutex(State.waiting([]))

    public init() {}

    /// Marks the event as happened and wakes every waiter. Later calls do nothing.
    public func signal() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .signalled
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether ``signal()`` was called.
    public var isSignalled: Bool {
        state.withLock { if case .signalled = $0 { true } else { false } }
    }

    /// Returns once ``signal()`` has been called.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                guard case .waiting(var waiters) = state else { return true }
                waiters.append(continuation)
                state = .waiting(waiters)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
