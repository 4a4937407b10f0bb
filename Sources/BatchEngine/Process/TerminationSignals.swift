#if canImport(Glibc)
    import Glibc
#endif

/// Process-level signal hygiene for batchd's executables.
public enum TerminationSignals {
    /// Unblocks SIGINT and SIGTERM in the calling thread's signal mask.
    ///
    /// A process inherits its parent's mask: started by a program that blocks these signals (a test
    /// runner, some supervisors), it would never see them, and could not stop gracefully. Call it
    /// first thing on the main thread, before any other thread exists, so every thread inherits it.
    public static func unblock() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
