import BatchCore
import BatchStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reads cached answers back from the results files they lie in, and checks each is still intact.
///
/// A hit is only a hit when the file at the entry's path is the same file (device and inode) and
/// the bytes at the entry's offset are a whole line with the recorded hash: a file deleted,
/// replaced (renamed over, rewritten in order by `--ordered`), truncated or overwritten in place is
/// a miss, and the request is sent. Files are opened once per run.
final class AnswerSourceReader: Sendable {
    private let files = Mutex<[Int64: Int32?]>([:])

    init() {}

    deinit {
        files.withLock { files in
            for case let fd? in files.values { close(fd) }
        }
    }

    /// The line `entry` points to, or nil when its source is gone or changed.
    func line(_ entry: CachedAnswer) -> [UInt8]? {
        guard entry.length > 0, let fd = descriptor(entry) else { return nil }
        guard let bytes = try? JSONLReader.readLine(fd: fd, offset: entry.offset, length: entry.length),
            bytes.last == 0x0A, LineHash.of(bytes) == entry.lineHash
        else { return nil }
        return bytes
    }

    private func descriptor(_ entry: CachedAnswer) -> Int32? {
        files.withLock { files in Self.descriptor(entry, files: &files) }
    }

    private static func descriptor(_ entry: CachedAnswer, files: inout [Int64: Int32?]) -> Int32? {
        if let known = files[entry.source] { return known }
        var fd: Int32? = open(entry.path, O_RDONLY | O_CLOEXEC)
        if let opened = fd, opened < 0 { fd = nil }
        if let opened = fd {
            var info = stat()
            if fstat(opened, &info) != 0 || UInt64(info.st_dev) != entry.device
                || UInt64(info.st_ino) != entry.inode
            {
                close(opened)
                fd = nil
            }
        }
        files[entry.source] = fd
        return fd
    }
}

/// A results file's identity, recorded with the answers cached in it.
enum FileIdentity {
    /// The device and inode of `path`, or nil when it cannot be read.
    static func of(path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
