/// Output lines waiting for one commit, kept as the arrays they were built in: a commit writes
/// them with `writev`, so lines of megabytes (a pack's embeddings) are never copied into one
/// buffer first.
public struct OutputChunks: Sendable {
    public private(set) var chunks: [[UInt8]] = []
    /// Bytes in all chunks.
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public mutating func append(contentsOf bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        count += bytes.count
    }

    public static func += (chunks: inout OutputChunks, bytes: [UInt8]) {
        chunks.append(contentsOf: bytes)
    }

    /// All bytes in order, in one array (for tests and small uses).
    public var joined: [UInt8] { chunks.flatMap { $0 } }
}
