/// Counts a job's error lines by code as its errors file grows (`batchctl watch`): each call reads
/// only the lines committed since the last one.
public struct ErrorTally: Sendable, Equatable {
    public let path: String
    /// Lines per code so far.
    public private(set) var counts: [String: Int] = [:]
    /// How far the file has been read (always the end of a line: a committed length).
    public private(set) var offset: Int64 = 0

    public init(path: String) {
        self.path = path
    }

    /// Reads the lines between the last call and `committedBytes`. A file that shrank (a new run
    /// of the job cut it back) is counted again from its start.
    public mutating func update(committedBytes: Int64) throws {
        if committedBytes < offset {
            counts = [:]
            offset = 0
        }
        guard committedBytes > offset else { return }
        let reader = try JSONLReader(path: path, startOffset: offset, maxLineBytes: 64 * 1024 * 1024)
        var counts = self.counts
        var reached = offset
        try reader.forEachLine { line in
            let end = line.offset + Int64(line.length)
            guard end <= committedBytes else { return false }
            if let bytes = line.bytes, let parsed = ErrorGroups.Line.parse(bytes) {
                counts[parsed.code, default: 0] += 1
            }
            reached = end
            return true
        }
        self.counts = counts
        // Past the line ending of the last line read (the committed length ends on one).
        offset = reached == offset ? offset : min(committedBytes, reached + 1)
    }
}
