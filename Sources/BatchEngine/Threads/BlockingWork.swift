import NIOCore
import NIOPosix

/// Runs blocking work (SQLite transactions, `fdatasync`, reading a whole input) on NIO's blocking
/// thread pool while the calling task waits, so that it never holds one of the threads that run
/// tasks and network I/O.
///
/// Guarantees: `body` has finished when ``run(_:)`` returns or throws, and the caller is suspended
/// the whole time. So `body` may use the caller's non-`Sendable` state: nothing else touches that
/// state until `run` returns, and the pool's hand-back orders `body`'s writes before the caller's
/// next reads. Cancelling the caller neither interrupts nor skips `body`: the dispatch loop's last
/// flush, after a hard stop, still records the answers already received.
enum BlockingWork {
    static func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        // Escaping (not `withoutActuallyEscaping`): the pool may release its copy of the closure
        // after it has handed the result back.
        // The future-based call: unlike the async one, it does not drop work that a cancelled caller
        // submitted but the pool has not started.
        let work = UncheckedWork(body: body)
        let result = NIOThreadPool.singleton.runIfActive(
            eventLoop: MultiThreadedEventLoopGroup.singleton.any()
        ) {
            UncheckedResult(value: try work.body())
        }
        return try await result.get().value
    }

    /// The closure, handed to a pool thread; safe by the guarantee above.
    private struct UncheckedWork<T>: @unchecked Sendable {
        let body: () throws -> T
    }

    /// The result, handed back to the caller; safe by the guarantee above.
    private struct UncheckedResult<T>: @unchecked Sendable {
        let value: T
    }
}
