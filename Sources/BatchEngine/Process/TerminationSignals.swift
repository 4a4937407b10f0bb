import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Process-level signal hygiene for batchd's executables.
public enum TerminationSignals {
    /// Makes sure SIGINT and SIGTERM reach the process whatever its parent did.
    ///
    /// A process inherits its parent's signal mask and ignored signals: started by a program that
    /// blocks or ignores these (a test runner, some supervisors), it would never see them and could
    /// not stop gracefully. This restores their default action, unblocks them in the calling thread,
    /// and starts one thread that keeps them unblocked for the life of the process (an async `main`
    /// retires the main thread, and worker threads may carry the inherited mask), so there is always
    /// a thread to deliver them to. Call it first thing in `main.swift`; the commands then trap the
    /// signals for a graceful stop.
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

    private static func unblockInCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
