import BatchCore

#if canImport(Glibc)
    import Glibc
#endif

/// An output file (results or errors) opened for appending, recovered to its committed length.
///
/// Recovery rule: bytes past the length the database recorded as committed belong to requests
/// that were not recorded; they are cut when the file is opened, and those requests are sent
/// again. A file shorter than its committed length has lost recorded lines: opening it fails.
public final class OutputFile {
    public let path: String
    private let fd: Int32
    /// Bytes in the file, committed or not.
    public private(set) var length: Int64

    /// Opens `path`, creating it if needed, and cuts it to `committedLength`.
    public init(path: String, committedLength: Int64) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BatchdError.outputUnwritable(path, reason: Self.errnoText()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Self.errnoText()
            close(fd)
            throw BatchdError.outputUnwritable(path, reason: reason)
        }
        if Int64(info.st_size) < committedLength {
            close(fd)
            throw BatchdError.outputUnwritable(
                path,
                reason: "it has \(info.st_size) bytes but \(committedLength) were recorded as written;"
                    + " it was truncated or replaced after batchd wrote it")
        }
        let cut = Int64(info.st_size) == committedLength || ftruncate(fd, off_t(committedLength)) == 0
        guard cut, lseek(fd, 0, SEEK_END) >= 0 else {
            let reason = Self.errnoText()
            close(fd)
            throw BatchdError.outputUnwritable(path, reason: reason)
        }
        self.fd = fd
        self.length = committedLength
    }

    deinit { close(fd) }

    /// Appends `bytes` in full (retrying short writes).
    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BatchdError.outputUnwritable(path, reason: Self.errnoText())
                }
                written += n
            }
        }
        length += Int64(bytes.count)
    }

    /// Forces the written bytes to stable storage, so a committed length never runs ahead of
    /// the file after a power loss.
    public func sync() throws {
        guard fdatasync(fd) == 0 else { throw BatchdError.outputUnwritable(path, reason: Self.errnoText()) }
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
