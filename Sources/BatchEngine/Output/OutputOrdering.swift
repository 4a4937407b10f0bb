import BatchCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Puts a completed job's results or errors file in input line order (`--ordered`).
///
/// Crash safety: the ordered copy is written beside the file under a temporary name, synced, and
/// renamed over it, so the file is at every moment either the old order or the new one, whole:
/// the same lines, hence the same bytes and the same committed length. It runs before the job is
/// marked completed; a crash leaves the job unfinished, and the next run orders the file again
/// (a file already in order is left as it is). Memory: 16 bytes per line (an index of line
/// numbers and offsets), never the lines themselves.
public enum OutputOrdering {
    /// Orders the output file at `path` (lines `{"id":"batch_req_<job>_<line>", …}`) by input line.
    public static func order(path: String) throws {
        var index: [(line: Int, offset: Int64, length: Int)] = []
        let reader: JSONLReader
        do {
            reader = try JSONLReader(path: path, maxLineBytes: 0)
        } catch {
            throw BatchdError.outputUnwritable(path, reason: "cannot read it to order it: \(error)")
        }
        var inOrder = true
        try reader.forEachLine { line in
            index.append((0, line.offset, line.length))
            return true
        }
        guard !index.isEmpty else { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        // Each line's number, from the digits after the last `_` of its id near the line's start.
        var head = [UInt8](repeating: 0, count: 96)
        for position in index.indices {
            let count = min(head.count, index[position].length)
            let read = head.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress, count, off_t(index[position].offset))
            }
            guard read == count else { throw failure(path) }
            index[position].line = lineNumber(head[..<count])
            if position > 0 && index[position].line < index[position - 1].line { inOrder = false }
        }
        if inOrder { return }
        index.sort { ($0.line, $0.offset) < ($1.line, $1.offset) }
        let temporary = path + ".ordering.tmp"
        let out = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw failure(temporary) }
        var buffer = [UInt8]()
        do {
            for entry in index {
                let length = entry.length + 1  // its line feed
                if buffer.count < length { buffer = [UInt8](repeating: 0, count: length) }
                let read = buffer.withUnsafeMutableBytes {
                    pread(fd, $0.baseAddress, length, off_t(entry.offset))
                }
                guard read == length else { throw failure(path) }
                var written = 0
                while written < length {
                    let n = buffer.withUnsafeBytes { write(out, $0.baseAddress! + written, length - written) }
                    guard n > 0 else { throw failure(temporary) }
                    written += n
                }
            }
            guard fsync(out) == 0 else { throw failure(temporary) }
        } catch {
            close(out)
            unlink(temporary)
            throw error
        }
        close(out)
        guard rename(temporary, path) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let directory = open(folder, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// The number after the last `_` of the line's `id` (`"batch_req_7_1234"`), 0 when none.
    static func lineNumber(_ head: ArraySlice<UInt8>) -> Int {
        guard let quote = head.firstIndex(of: UInt8(ascii: "_")) else { return 0 }
        // The id's value ends at the first quote after its start.
        guard let end = head[quote...].firstIndex(of: UInt8(ascii: "\"")),
            let underscore = head[quote..<end].lastIndex(of: UInt8(ascii: "_"))
        else { return 0 }
        var number = 0
        for byte in head[(underscore + 1)..<end] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return 0 }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return number
    }

    static func failure(_ path: String) -> BatchdError {
        .outputUnwritable(path, reason: String(cString: strerror(errno)))
    }
}
