#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Identifies the contents of an input file, to notice when a file changed between runs.
///
/// `size` and `mtimeNanoseconds` come from `stat`; `hash` is the ``FingerprintHasher`` (XXH64,
/// seed 0) digest of the raw file bytes, or 0 when only `stat` was taken. Two fingerprints with
/// non-zero hashes are equal exactly when size, mtime and content hash agree.
public struct FileFingerprint: Sendable, Equatable, Codable {
    /// File size in bytes.
    public var size: Int64
    /// Last modification time, nanoseconds since the Unix epoch.
    public var mtimeNanoseconds: Int64
    /// XXH64 of the file's bytes, or 0 if not computed.
    public var hash: UInt64

    /// Creates a fingerprint from its parts.
    public init(size: Int64, mtimeNanoseconds: Int64, hash: UInt64) {
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.hash = hash
    }

    /// Size and modification time of the file at `path` (hash 0).
    public static func stat(path: String) throws -> FileFingerprint {
        guard let info = statFile(path) else {
            throw FileReadError(operation: "stat", path: path, errno: errno)
        }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return FileFingerprint(
            size: Int64(info.st_size),
            mtimeNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec),
            hash: 0)
    }

    /// Size, modification time and content hash of the file at `path` (reads the whole file in
    /// 1 MiB chunks).
    public static func compute(path: String) throws -> FileFingerprint {
        var fingerprint = try stat(path: path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        var hasher = FingerprintHasher()
        while true {
            let count = read(fd, chunk.baseAddress, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw FileReadError(operation: "read", path: path, errno: errno) }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        fingerprint.hash = hasher.finalize()
        return fingerprint
    }
}

/// `stat(2)` at file scope, where the name is not shadowed by ``FileFingerprint/stat(path:)``.
private func statFile(_ path: String) -> stat? {
    var info = stat()
    return stat(path, &info) == 0 ? info : nil
}
