import BatchCore
import BatchStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The errors file of a job being retried (`batchctl retry`), replaced crash-safely by a copy
/// without the lines sent again.
///
/// Protocol: (1) the copy is written as `<errors>.retry` and synced; (2) one transaction makes
/// those requests pending, records the copy's length as the errors file's committed length and
/// marks the swap pending; (3) the copy is renamed over the errors file and the folder synced;
/// (4) the mark is cleared. A crash before (2) leaves a stray copy (replaced by the next retry);
/// after (2), whoever opens the job's outputs next calls ``finish(job:store:errorsPath:)`` first,
/// which redoes (3) if it did not happen and (4). Each retried request had its one error line up to
/// (3), and has its new outcome's line once it is recorded: never two.
public enum ErrorsSwap {
    /// The copy's name.
    public static func copyPath(_ errorsPath: String) -> String { errorsPath + ".retry" }

    /// Finishes a pending swap of `job`'s errors file, if one is marked.
    public static func finish(job id: Int64, store: Store, errorsPath: String) async throws {
        guard try await store.errorsSwapPending(job: id) else { return }
        try renameCopy(errorsPath: errorsPath)
        try await store.clearErrorsSwap(job: id)
    }

    /// Renames the copy over the errors file if it is still there (another process may have
    /// done it), and syncs the folder.
    static func renameCopy(errorsPath: String) throws {
        let copy = copyPath(errorsPath)
        if rename(copy, errorsPath) != 0 && errno != ENOENT {
            throw BatchdError.outputUnwritable(errorsPath, reason: String(cString: strerror(errno)))
        }
        let slash = errorsPath.lastIndex(of: "/")
        let folder = slash.map { String(errorsPath[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let directory = open(folder, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Writes the copy of the errors file at `errorsPath`, up to `committedBytes`, without the lines
    /// whose input line is in `lines`; returns its length and how many lines it left out.
    static func writeCopy(errorsPath: String, committedBytes: Int64, without lines: Set<Int>) throws -> (
        bytes: Int64, removed: Int
    ) {
        let copy = copyPath(errorsPath)
        let out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else {
            throw BatchdError.outputUnwritable(copy, reason: String(cString: strerror(errno)))
        }
        defer { close(out) }
        var written: Int64 = 0
        var removed = 0
        var failure: (any Error)?
        if committedBytes > 0 {
            let reader = try JSONLReader(path: errorsPath, maxLineBytes: 64 * 1024 * 1024)
            try reader.forEachLine { line in
                guard line.offset + Int64(line.length) <= committedBytes, let bytes = line.bytes else {
                    return line.offset + Int64(line.length) <= committedBytes
                }
                let number = OutputOrdering.lineNumber(ArraySlice(bytes.prefix(96)))
                if lines.contains(number) {
                    removed += 1
                    return true
                }
                var chunk = Array(bytes)
                chunk.append(0x0A)
                let n = chunk.withUnsafeBytes { write(out, $0.baseAddress, $0.count) }
                guard n == chunk.count else {
                    failure = BatchdError.outputUnwritable(copy, reason: String(cString: strerror(errno)))
                    return false
                }
                written += Int64(n)
                return true
            }
        }
        if let failure { throw failure }
        guard fsync(out) == 0 else {
            throw BatchdError.outputUnwritable(copy, reason: String(cString: strerror(errno)))
        }
        return (written, removed)
    }
}
