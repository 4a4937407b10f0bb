import Foundation
import NIOCore
import NIOPosix

/// Runs blocking work (SQLite transactions, `fdatasync`, reading a whole input) off the threads
/// that run Swift tasks, while the calling task waits.
///
/// Swift's cooperative pool has one thread per core (two here); a task that blocks one in a
/// system call takes it from every other task of the process, such as another job's sends.
/// - ``run(_:)`` is for short work (a commit, a page of pending requests): NIO's blocking pool.
/// - ``runOnOwnThread(name:_:)`` is for work that can take seconds or minutes (ingesting an input,
///   hashing it): a thread of its own, so that it never holds a pool thread that short work waits
///   for.
///
/// Guarantees: `body` has finished when either returns or throws, and the caller is suspended the
/// whole time. So `body` may use the caller's non-`Sendable` state: nothing else touches that
/// state until the call returns, and the hand-back orders `body`'s writes before the caller's next
/// reads. Cancelling the caller neither interrupts nor skips `body`: the dispatch loop's last
/// commit, after a hard stop, still records the answers already received.
public enum BlockingWork {
    /// Runs short blocking work on NIO's blocking thread pool.
    public static func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        // Escaping (not `withoutActuallyEscaping`): the pool may release its copy of the closure
        // after it has handed the result back. The future-based call: unlike the async one, it
        // does not drop work that a cancelled caller submitted but the pool has not started.
        let work = UncheckedWork(body: body)
        let result = NIOThreadPool.singleton.runIfActive(
            eventLoop: MultiThreadedEventLoopGroup.singleton.any()
        ) {
            UncheckedResult(value: try work.body())
        }
        return try await result.get().value
    }

    /// Runs long blocking work on a new thread named `name` (its first 15 bytes, as Linux keeps),
    /// which ends with it.
    public static func runOnOwnThread<T>(name: String, _ body: @escaping () throws -> T) async throws -> T {
        let work = UncheckedWork(body: body)
        let outcome = await withCheckedContinuation { continuation in
            let thread = Thread {
                nameCurrentThread(name)
                continuation.resume(returning: UncheckedResult(value: Result { try work.body() }))
            }
            thread.start()
        }
        return try outcome.value.get()
    }

    /// Names the calling thread, as `top` and `perf` show it, through `/proc/thread-self/comm`.
    /// Not with `Thread.current.name`: Foundation on Linux passes that name to the system only once
    /// `start()` has returned on the creating thread, so a new thread that runs first keeps its
    /// creator's name. (Swift's Glibc module does not offer `pthread_setname_np`.)
    public static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }  // no procfs: the thread keeps its creator's name
        defer { close(fd) }
        // Linux keeps 15 bytes of a name.
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// The closure, handed to another thread; safe by the guarantee above.
    private struct UncheckedWork<T>: @unchecked Sendable {
        let body: () throws -> T
    }

    /// The result, handed back to the caller; safe by the guarantee above.
    private struct UncheckedResult<T>: @unchecked Sendable {
        let value: T
    }
}
