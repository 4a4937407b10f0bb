#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real wall clock (`CLOCK_REALTIME`), sleeping with `Task.sleep`.
public struct SystemClock: BatchClock {
    public init() {}

    public var now: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    public func sleep(until deadline: Timestamp) async throws {
        let remaining = deadline.milliseconds - now.milliseconds
        if remaining > 0 {
            try await Task.sleep(for: .milliseconds(remaining))
        } else {
            try Task.checkCancellation()
        }
    }
}
