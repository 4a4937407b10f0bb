/// The source of time for everything in batchd that waits or schedules.
///
/// Production code uses ``SystemClock``; tests inject a manual clock so time-based logic
/// (backoff, lane pauses, leases) runs instantly and deterministically.
public protocol BatchClock: Sendable {
    /// The current wall-clock time.
    var now: Timestamp { get }

    /// Suspends until `deadline` has passed. Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Timestamp) async throws
}

extension BatchClock {
    /// Suspends for `duration`.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.advanced(by: duration))
    }
}
