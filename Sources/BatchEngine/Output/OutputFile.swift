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

    /// Appends each of `chunks` in order, in full, with as few `writev` calls as the system's
    /// limit on buffers per call allows (retrying short writes).
    public func append(_ chunks: OutputChunks) throws {
        let perCall = 128  // at most IOV_MAX (1024 on Linux); each is a frame of `writev(_:_:skipping:)`
        var first = 0
        var skip = 0  // bytes of chunks[first] already written
        while first < chunks.chunks.count {
            let last = min(chunks.chunks.count, first + perCall)
            let n = Self.writev(fd, chunks.chunks[first..<last], skipping: skip)
            if n < 0 {
                if errno == EINTR { continue }
                throw BatchdError.outputUnwritable(path, reason: Self.errnoText())
            }
            var left = n + skip
            skip = 0
            while first < last, left >= chunks.chunks[first].count {
                left -= chunks.chunks[first].count
                first += 1
            }
            skip = left
        }
        length += Int64(chunks.count)
    }

    /// One `writev` of `chunks`, the first without its first `skip` bytes.
    private static func writev(_ fd: Int32, _ chunks: ArraySlice<[UInt8]>, skipping skip: Int) -> Int {
        var vectors: [iovec] = []
        vectors.reserveCapacity(chunks.count)
        // The arrays outlive the call, and nothing mutates them meanwhile: their storage stays put.
        func gather(_ index: Int) -> Int {
            guard index < chunks.endIndex else {
                return Glibc.writev(fd, vectors, Int32(vectors.count))
            }
            return chunks[index].withUnsafeBytes { buffer in
                let offset = index == chunks.startIndex ? skip : 0
                vectors.append(
                    iovec(
                        iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress! + offset),
                        iov_len: buffer.count - offset))
                return gather(index + 1)
            }
        }
        return gather(chunks.startIndex)
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
