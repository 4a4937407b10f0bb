#if canImport(Glibc)
    import Glibc
#endif

/// Tells whether another process holds a file open for writing, without reading it.
///
/// On Linux it asks the kernel for a read lease (`fcntl(F_SETLEASE, F_RDLCK)`), which is refused
/// with `EAGAIN` exactly while some process has the file open for writing, and releases it at
/// once. A lease needs the file to be owned by batchd's user or the `CAP_LEASE` capability (the
/// systemd unit grants it) and a filesystem that supports leases; when either is missing the
/// answer is `nil` ("unknown") and the quiet period alone decides.
///
/// The lease-break signal (SIGIO) is ignored process-wide by ``init()``, so a writer opening the
/// file during the instant the lease is held only makes it wait that instant.
public struct WriterProbe: Sendable {
    /// `F_SETLEASE` (Linux: `F_LINUX_SPECIFIC_BASE + 0`).
    private static let setLease: Int32 = 1024

    public init() {
        #if os(Linux)
            _ = signal(SIGIO, SIG_IGN)
        #endif
    }

    /// `true` when a writer has `path` open, `false` when none has, `nil` when it cannot be known.
    public func isOpenForWriting(_ path: String) -> Bool? {
        #if os(Linux)
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            if fcntl(fd, Self.setLease, Int32(F_RDLCK)) == 0 {
                _ = fcntl(fd, Self.setLease, Int32(F_UNLCK))
                return false
            }
            return errno == EAGAIN ? true : nil
        #else
            return nil
        #endif
    }
}
