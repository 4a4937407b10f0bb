/// Cuts a byte stream that arrives in pieces into its LF-terminated lines: a pure value.
///
/// Guarantees: every line is handed out once, in order, without its LF (and without a CR before
/// it); a line split across pieces is joined; empty lines are skipped; what follows the last LF
/// comes out of ``finish()``. Memory: the longest line plus one piece.
public struct LineAssembler: Sendable {
    private var partial: [UInt8] = []

    public init() {}

    /// The complete lines `piece` ends, in order.
    public mutating func add(_ piece: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = piece.startIndex
        while let newline = piece[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if partial.isEmpty {
                Self.append(piece[start..<newline], to: &lines)
            } else {
                partial += piece[start..<newline]
                Self.append(partial[...], to: &lines)
                partial = []
            }
            start = newline + 1
        }
        partial += piece[start...]
        return lines
    }

    /// The last line, when the stream did not end with an LF.
    public mutating func finish() -> [UInt8]? {
        defer { partial = [] }
        var line = partial[...]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return line.isEmpty ? nil : Array(line)
    }

    private static func append(_ line: ArraySlice<UInt8>, to lines: inout [[UInt8]]) {
        var line = line
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if !line.isEmpty { lines.append(Array(line)) }
    }
}
