#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed file-system call while reading input, naming the file and the OS error.
///
/// The description is a complete sentence fit for logs and CLI output, e.g.
/// `cannot open "/in/a.jsonl": No such file or directory (errno 2)`.
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being attempted, e.g. `"open"`, `"read"`, `"stat"`.
    public let operation: String
    /// The file's path (or `"fd N"` when only a descriptor was known).
    public let path: String
    /// The `errno` value, or 0 when the failure was not an OS error (e.g. a short read).
    public let errno: Int32

    /// Creates an error for `operation` on `path` with `errno`.
    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// Human-readable sentence naming the operation, the path and the cause.
    public var description: String {
        let cause =
            errno == 0 ? "unexpected end of file" : "\(String(cString: strerror(errno))) (errno \(errno))"
        return "cannot \(operation) \"\(path)\": \(cause)"
    }
}
