import BatchCore

/// The dispatch loop's one timer: posts a ``RunEvent/tick`` at the earliest deadline the loop is
/// waiting for (a lease renewal, a retry or budget wakeup, a commit, the drain timeout).
///
/// Re-armed only for an earlier deadline than the one pending: a tick that comes early is
/// harmless (the loop just computes the next deadline), so a later one never needs a new task.
struct WakeupTimer {
    private var pending: (deadline: Timestamp, task: Task<Void, Never>)?

    /// Makes sure a tick comes no later than `deadline`.
    mutating func arm(at deadline: Timestamp, clock: any BatchClock, post: @escaping @Sendable () -> Void) {
        if let pending, pending.deadline <= deadline { return }
        pending?.task.cancel()
        pending = (
            deadline,
            Task {
                try? await clock.sleep(until: deadline)
                if !Task.isCancelled { post() }
            }
        )
    }

    /// A tick arrived at `now`. Ticks come from elsewhere too (a lane's freed slot, a replaced
    /// timer that woke as it was cancelled): the pending timer is forgotten only once its deadline
    /// has passed, so that a timer still sleeping is never left behind uncancelled.
    mutating func fired(now: Timestamp) {
        if let pending, pending.deadline <= now { self.pending = nil }
    }

    /// Stops the pending timer, if any.
    mutating func cancel() {
        pending?.task.cancel()
        pending = nil
    }
}
