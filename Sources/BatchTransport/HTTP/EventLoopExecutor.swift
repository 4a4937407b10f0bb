import NIOCore
import NIOPosix

/// Where Swift concurrency runs the process's tasks.
public enum EventLoopExecutor {
    /// Makes Swift concurrency run every task on the HTTP client's event loop threads instead of
    /// its own thread pool, so that a send's task and its connection share a thread instead of
    /// handing every request and every answer from one thread to another.
    ///
    /// Call it once, first thing in an executable's top-level code, before any task runs. Returns
    /// whether it took effect.
    @discardableResult
    public static func install() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
