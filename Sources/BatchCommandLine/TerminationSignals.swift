import Foundation
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// SIGINT and SIGTERM for batchd's three executables, through one mechanism: swift-service-lifecycle's
/// `UnixSignalsSequence` (which `ServiceGroup` uses for the daemon's graceful shutdown too).
///
/// Guarantees:
/// - after ``unblock()``, the signals reach the process whatever its parent blocked or ignored;
/// - once ``trap()`` has returned, no SIGINT or SIGTERM is lost or kills the process: each one is an
///   element of the sequence, in order of arrival.
public enum TerminationSignals {
    /// The signals that ask batchd's executables to stop.
    public static let stopping: [UnixSignal] = [.sigterm, .sigint]

    /// Makes sure SIGINT and SIGTERM reach the process whatever its parent did.
    ///
    /// A process inherits its parent's signal mask and ignored signals: started by a program that
    /// blocks or ignores these (a test runner, some supervisors), it would never see them and could
    /// not stop gracefully. This restores their default action, unblocks them in the calling thread,
    /// and starts one thread that keeps them unblocked for the life of the process (an async `main`
    /// retires the main thread, and worker threads may carry the inherited mask), so there is always
    /// a thread to deliver them to. Call it first thing in `main.swift`.
    public static func unblock() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        unblockInCurrentThread()
        let receiver = Thread {
            unblockInCurrentThread()
            while true { pause() }
        }
        receiver.name = "signals"
        receiver.start()
    }

    /// Traps SIGINT and SIGTERM and returns them as a sequence; returns once the trap is installed.
    /// Only one trap may exist per process (the daemon's is its `ServiceGroup`'s).
    public static func trap() async -> UnixSignalsSequence {
        await UnixSignalsSequence(trapping: stopping)
    }

    private static func unblockInCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
