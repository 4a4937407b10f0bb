import BatchCore
import BatchStore

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Builds the Batch API input file of one part on disk, line by line from the input file's own
/// bytes (``UploadLine``), each ended by LF; never the whole file in memory.
///
/// Guarantees: the same lines of an unchanged input give the same bytes and so the same
/// ``Built/contentHash`` (FNV-1a 64 of the file, hex): the tag recorded before the upload names
/// the content, and a rebuild after a crash uploads what was planned. A line whose bytes no longer
/// match its ingest hash throws ``BatchdError`` `input_modified`.
public enum BatchUploadFile {
    public struct Built: Sendable, Equatable {
        public var bytes: Int64
        public var contentHash: String
    }

    /// Writes the upload of `requests` (from `inputPath`) to `path`, lines' `url` `url`.
    public static func write(
        _ requests: [PendingRequest], from inputPath: String, url: String, to path: String
    ) throws -> Built {
        let input = open(inputPath, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw BatchdError.inputUnreadable(inputPath, reason: String(cString: strerror(errno)))
        }
        defer { close(input) }
        let output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw BatchdError.outputUnwritable(path, reason: String(cString: strerror(errno)))
        }
        defer { close(output) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var total: Int64 = 0
        var pending: [UInt8] = []
        pending.reserveCapacity(256 * 1024)
        for request in requests {
            let raw = try JSONLReader.readLine(fd: input, offset: request.offset, length: request.length)
            if let expected = request.lineHash, LineHash.of(raw) != expected {
                throw BatchdError.inputModified(inputPath, detail: "line \(request.line) changed")
            }
            var line: [UInt8]
            do throws(UploadLine.Problem) {
                line = try UploadLine.build(raw, url: url)
            } catch {
                throw BatchdError.inputModified(inputPath, detail: "line \(request.line): \(error.reason)")
            }
            line.append(UInt8(ascii: "\n"))
            for byte in line {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            total += Int64(line.count)
            pending += line
            if pending.count >= 128 * 1024 { try flush(&pending, to: output, path: path) }
        }
        try flush(&pending, to: output, path: path)
        guard fsync(output) == 0 else {
            throw BatchdError.outputUnwritable(path, reason: String(cString: strerror(errno)))
        }
        let hex = String(hash, radix: 16)
        return Built(bytes: total, contentHash: String(repeating: "0", count: 16 - hex.count) + hex)
    }

    private static func flush(_ bytes: inout [UInt8], to fd: Int32, path: String) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                systemWrite(fd, $0.baseAddress! + written, bytes.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw BatchdError.outputUnwritable(path, reason: String(cString: strerror(errno)))
            }
            written += count
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
