import BatchCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Saves binary answers as `<stem>.outputs/<name>.<ext>` beside a job's input file.
///
/// Guarantees: a file appears under its final name only complete and synced to disk (it is
/// written to a temporary name in the same folder, then renamed), so a crash never leaves half a
/// file under the final name; writing the same name again replaces the file.
public struct BinaryOutputWriter: Sendable {
    /// The folder files go to.
    public let directory: String
    /// The folder's path relative to the input file's folder (`<stem>.outputs`).
    public let relativeDirectory: String

    /// The writer for the job whose input is at `inputPath`.
    public init(inputPath: String) {
        let slash = inputPath.lastIndex(of: "/")
        let name = slash.map { String(inputPath[inputPath.index(after: $0)...]) } ?? inputPath
        let stem = name.hasSuffix(".jsonl") && name != ".jsonl" ? String(name.dropLast(6)) : name
        let relative = stem + ".outputs"
        relativeDirectory = relative
        directory = slash.map { String(inputPath[...$0]) + relative } ?? relative
    }

    /// Writes `bytes` as `<name>.<ext>`; returns the path relative to the input file's folder.
    public func save(_ bytes: [UInt8], name: String, fileExtension: String) throws(BinaryOutputError)
        -> String
    {
        let fileName = "\(name).\(fileExtension)"
        let final = "\(directory)/\(fileName)"
        if mkdir(directory, 0o755) != 0 && errno != EEXIST { throw failure(directory) }
        let temporary = "\(directory)/.\(fileName).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(temporary) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            guard count > 0 else {
                let error = failure(temporary)
                close(fd)
                unlink(temporary)
                throw error
            }
            written += count
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced, rename(temporary, final) == 0 else {
            let error = failure(final)
            unlink(temporary)
            throw error
        }
        return "\(relativeDirectory)/\(fileName)"
    }

    private func failure(_ path: String) -> BinaryOutputError {
        BinaryOutputError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
    }
}

/// A binary answer could not be saved.
public struct BinaryOutputError: Error, Sendable, Equatable {
    /// What failed, with the path and the system's reason.
    public let message: String
}
