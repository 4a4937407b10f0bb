#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of a ``MultipartBody``, as an async sequence of chunks read from disk on demand.
///
/// Guarantees: a file is opened only when its turn comes and closed when it has been read (or the
/// iteration is abandoned); a file that cannot be opened, or whose size is not the recorded one,
/// ends the sequence with a ``MultipartFileError`` instead of sending a wrong length.
public struct MultipartChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let segments: [MultipartBody.Segment]

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(segments: segments)
    }

    /// Reads one segment after the other.
    public final class Iterator: AsyncIteratorProtocol {
        private var segments: ArraySlice<MultipartBody.Segment>
        private var fd: Int32 = -1
        private var remaining: Int64 = 0
        private var path = ""

        init(segments: [MultipartBody.Segment]) {
            self.segments = segments[...]
        }

        deinit { closeFile() }

        /// The next chunk, or nil at the end.
        public func next() async throws -> [UInt8]? {
            while true {
                if fd >= 0 {
                    if remaining > 0 { return try readChunk() }
                    try expectEndOfFile()
                    closeFile()
                }
                guard let segment = segments.popFirst() else { return nil }
                switch segment {
                case .bytes(let bytes):
                    if !bytes.isEmpty { return bytes }
                case .file(let path, let size):
                    try openFile(path, size: size)
                }
            }
        }

        private func openFile(_ path: String, size: Int64) throws {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw MultipartFileError(path: path, reason: String(cString: strerror(errno)))
            }
            var info = stat()
            guard fstat(fd, &info) == 0, Int64(info.st_size) == size else {
                close(fd)
                throw MultipartFileError(path: path, reason: "its size changed since it was checked")
            }
            self.fd = fd
            self.path = path
            self.remaining = size
        }

        private func readChunk() throws -> [UInt8] {
            let count = Int(Swift.min(remaining, Int64(MultipartBody.chunkSize)))
            var chunk = [UInt8](repeating: 0, count: count)
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
            guard got > 0 else {
                let reason = got < 0 ? String(cString: strerror(errno)) : "it became shorter while being sent"
                closeFile()
                throw MultipartFileError(path: path, reason: reason)
            }
            remaining -= Int64(got)
            return got == count ? chunk : Array(chunk[..<got])
        }

        private func expectEndOfFile() throws {
            var byte: UInt8 = 0
            if read(fd, &byte, 1) != 0 {
                closeFile()
                throw MultipartFileError(path: path, reason: "it became longer while being sent")
            }
        }

        private func closeFile() {
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }
}

/// A file of a multipart body could not be sent as recorded.
public struct MultipartFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path.
    public let path: String
    /// What went wrong.
    public let reason: String

    /// "cannot send PATH: REASON".
    public var description: String { "cannot send \(path): \(reason)" }
}
