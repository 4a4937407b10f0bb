#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams the lines of a JSONL file with `pread` in large chunks, never loading the whole file.
///
/// Guarantees: memory is bounded by `chunkSize + maxLineBytes + 1`; lines are delivered in order
/// with their physical line numbers and file offsets; a UTF-8 BOM at file offset 0 is skipped,
/// a trailing CR is stripped, lines holding only spaces, tabs and CRs are skipped (but counted),
/// a final line without a newline is delivered, and lines longer than `maxLineBytes` are delivered
/// with `bytes == nil` (and correct length and offset) without being buffered whole.
///
/// ``hasher`` sees every raw byte read from `startOffset` on, exactly once (BOM and line endings
/// included), so after a run that reached the end of a file read from offset 0 (see
/// ``reachedEndOfFile``), `hasher.finalize()` is the file's ``FileFingerprint`` hash.
/// Not thread-safe: use one reader from one thread at a time.
public final class JSONLReader {
    /// The file being read.
    public let path: String
    /// Longest line delivered with its bytes.
    public let maxLineBytes: Int
    /// How many bytes each read asks for (at least).
    public let chunkSize: Int
    /// File offset just after the last line handled (delivered or skipped as blank), including
    /// its line ending: resume from here with the next line number.
    public private(set) var bytesConsumed: Int64
    /// The number the next physical line will get.
    public private(set) var nextLineNumber: Int
    /// Running hash of the raw bytes read so far, from `startOffset`.
    public private(set) var hasher = FingerprintHasher()
    /// Whether a call to ``forEachLine(_:)`` has read to the end of the file.
    public private(set) var reachedEndOfFile = false

    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var hashedUpTo: Int64

    /// Opens `path` for reading, starting at `startOffset` (the start of line `startLine`).
    /// Throws ``FileReadError`` naming the path if it cannot be opened.
    public init(
        path: String, startOffset: Int64 = 0, startLine: Int = 1, maxLineBytes: Int, chunkSize: Int = 1 << 20
    ) throws {
        precondition(maxLineBytes >= 0 && chunkSize > 0 && startOffset >= 0)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(operation: "open", path: path, errno: errno) }
        self.fd = fd
        self.path = path
        self.maxLineBytes = maxLineBytes
        self.chunkSize = chunkSize
        self.bytesConsumed = startOffset
        self.hashedUpTo = startOffset
        self.nextLineNumber = startLine
        self.buffer = .allocate(byteCount: chunkSize + maxLineBytes + 1, alignment: 16)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// A line longer than `maxLineBytes`, being counted but not kept.
    private struct Overlong {
        var offset: Int64
        var length: Int
        var endsWithCR: Bool
    }

    /// Calls `body` for each remaining line, until the end of the file or until `body` returns
    /// false. The line's buffer is valid only during the call. Calling again continues after the
    /// last line handled.
    public func forEachLine(_ body: (JSONLLine) throws -> Bool) throws {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let capacity = buffer.count
        var fileBase = bytesConsumed  // file offset of base[0]
        var start = 0  // first byte of the current line
        var scan = 0  // where to continue looking for a newline
        var end = 0  // end of valid data
        var bomChecked = fileBase != 0
        var overlong: Overlong? = nil
        var atEOF = false

        /// Hands one complete line (`lineEnd` excludes LF, includes a possible CR) to `body`.
        func emit(lineEnd: Int, consumedTo: Int) throws -> Bool {
            defer { nextLineNumber += 1 }
            let keepGoing: Bool
            if var long = overlong {
                long.length += lineEnd - start
                if lineEnd > start { long.endsWithCR = base[lineEnd - 1] == 0x0D }
                let length = long.length - (long.endsWithCR ? 1 : 0)
                overlong = nil
                keepGoing = try body(
                    JSONLLine(number: nextLineNumber, offset: long.offset, length: length, bytes: nil))
            } else {
                var stop = lineEnd
                if stop > start && base[stop - 1] == 0x0D { stop -= 1 }
                let line = UnsafeRawBufferPointer(start: base + start, count: stop - start)
                if line.count > maxLineBytes {
                    let offset = fileBase + Int64(start)
                    keepGoing = try body(
                        JSONLLine(number: nextLineNumber, offset: offset, length: line.count, bytes: nil))
                } else if Self.isBlank(line) {
                    keepGoing = true
                } else {
                    let bytes = line
                    let offset = fileBase + Int64(start)
                    keepGoing = try body(
                        JSONLLine(number: nextLineNumber, offset: offset, length: line.count, bytes: bytes))
                }
            }
            bomChecked = true
            start = consumedTo
            scan = consumedTo
            bytesConsumed = fileBase + Int64(consumedTo)
            return keepGoing
        }

        while true {
            if scan < end, let newline = memchr(base + scan, 0x0A, end - scan) {
                let index = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                guard try emit(lineEnd: index, consumedTo: index + 1) else { return }
                continue
            }
            scan = end
            if overlong != nil {
                overlong!.length += end - start
                if end > start { overlong!.endsWithCR = base[end - 1] == 0x0D }
                start = end
            } else if end - start > maxLineBytes + 1 {
                overlong = Overlong(
                    offset: fileBase + Int64(start), length: end - start, endsWithCR: base[end - 1] == 0x0D)
                start = end
            }
            if atEOF {
                if overlong != nil || start < end { _ = try emit(lineEnd: end, consumedTo: end) }
                reachedEndOfFile = true
                return
            }
            if start > 0 {
                memmove(base, base + start, end - start)
                fileBase += Int64(start)
                end -= start
                scan -= start
                start = 0
            }
            let count = try readChunk(into: base + end, count: capacity - end, at: fileBase + Int64(end))
            atEOF = count == 0
            end += count
            if !bomChecked && (end >= 3 || atEOF) {
                bomChecked = true
                if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
                    start = 3
                    scan = 3
                }
            }
        }
    }

    /// Reads up to `count` bytes at `offset`, feeding newly seen bytes to the hasher.
    private func readChunk(into destination: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int64) throws
        -> Int
    {
        var result: Int
        repeat {
            result = pread(fd, destination, count, off_t(offset))
        } while result < 0 && errno == EINTR
        guard result >= 0 else { throw FileReadError(operation: "read", path: path, errno: errno) }
        let newEnd = offset + Int64(result)
        if newEnd > hashedUpTo {
            let skip = Int(max(0, hashedUpTo - offset))
            hasher.update(UnsafeRawBufferPointer(start: destination + skip, count: result - skip))
            hashedUpTo = newEnd
        }
        return result
    }

    @inline(__always) private static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }
}
