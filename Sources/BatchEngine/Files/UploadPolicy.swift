import BatchCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which files a request may upload, and how large they may be.
///
/// Rules: a path in a request (`body.file`, …) is relative to the folder of the job's input file.
/// After resolving `..` and every symbolic link, the file must lie inside that folder or inside
/// one of ``allowedRoots``; absolute paths are accepted only under an allowed root. The file must
/// be a readable regular file of at most ``maxBytes`` bytes. Every refusal is an ``UploadError``
/// whose message names the path as written in the request.
public struct UploadPolicy: Sendable, Equatable {
    /// OpenAI's and Azure's upload limit for audio: 25 MB.
    public static let defaultMaxBytes: Int64 = 25 * 1024 * 1024

    /// Extra folders files may come from (config `allowed_file_roots`).
    public var allowedRoots: [String]
    /// The largest file accepted, in bytes (config `max_upload_bytes`).
    public var maxBytes: Int64

    /// Creates a policy.
    public init(allowedRoots: [String] = [], maxBytes: Int64 = UploadPolicy.defaultMaxBytes) {
        self.allowedRoots = allowedRoots
        self.maxBytes = maxBytes
    }

    /// Resolves and checks `path` for a job whose input file is in `inputDirectory`.
    public func check(_ path: String, inputDirectory: String) throws(UploadError) -> UploadFile {
        guard !path.isEmpty else { throw UploadError(path: path, reason: "the path is empty") }
        let candidate = path.hasPrefix("/") ? path : inputDirectory + "/" + path
        guard let resolved = Self.realPath(candidate) else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw UploadError(path: path, reason: reason)
        }
        let roots = (path.hasPrefix("/") ? [] : [inputDirectory]) + allowedRoots
        guard roots.compactMap(Self.realPath).contains(where: { Self.isInside(resolved, $0) }) else {
            throw UploadError(
                path: path,
                reason: path.hasPrefix("/")
                    ? "absolute paths are refused unless under a folder listed in allowed_file_roots"
                    : "it leads outside the input file's folder (list the folder in allowed_file_roots)")
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else {
            throw UploadError(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw UploadError(path: path, reason: "it is not a regular file")
        }
        let size = Int64(info.st_size)
        guard size <= maxBytes else {
            throw UploadError(
                path: path, reason: "it is \(size) bytes, over the upload limit of \(maxBytes) bytes")
        }
        guard access(resolved, R_OK) == 0 else {
            throw UploadError(path: path, reason: "it is not readable: \(String(cString: strerror(errno)))")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return UploadFile(path: resolved, fileName: name, size: size)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isInside(_ path: String, _ root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }
}

/// A file that passed the ``UploadPolicy``: its resolved path, the name sent, and its size.
public struct UploadFile: Sendable, Equatable {
    /// Absolute path with every link resolved.
    public let path: String
    /// The last component of the path as written in the request (sent as the part's file name).
    public let fileName: String
    /// Size in bytes when checked.
    public let size: Int64
}

/// A file a request names cannot be uploaded.
public struct UploadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path as written in the request.
    public let path: String
    /// Why it is refused.
    public let reason: String

    /// `file "PATH": REASON`.
    public var description: String { "file \(JSONEscaping.quoted(path)): \(reason)" }
}
