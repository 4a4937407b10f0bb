#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONLReader {
    /// Reads `length` bytes at `offset` from an open descriptor with `pread` (e.g. to fetch a line
    /// again by the offset and length a ``JSONLLine`` reported). Throws ``FileReadError`` on an OS
    /// error or if the file ends early.
    public static func readLine(fd: Int32, offset: Int64, length: Int) throws -> [UInt8] {
        try readLine(fd: fd, offset: offset, length: length, name: "fd \(fd)")
    }

    /// Opens `path`, reads `length` bytes at `offset`, and closes it again.
    public static func readLine(path: String, offset: Int64, length: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        return try readLine(fd: fd, offset: offset, length: length, name: path)
    }

    private static func readLine(fd: Int32, offset: Int64, length: Int, name: String) throws -> [UInt8] {
        var failure: FileReadError? = nil
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            initialized = 0
            while initialized < length {
                let count = pread(
                    fd, buffer.baseAddress! + initialized, length - initialized,
                    off_t(offset) + off_t(initialized))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    failure = FileReadError(operation: "read", path: name, errno: count < 0 ? errno : 0)
                    return
                }
                initialized += count
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
