/// One physical line delivered by ``JSONLReader``.
///
/// Guarantees: `number` is the 1-based physical line number (blank lines count), `offset` is the
/// file offset of the line's first byte (after a BOM on line 1), and `length` excludes the line
/// ending (LF or CRLF). `bytes` holds exactly `length` bytes and is valid only during the
/// callback; it is nil when the line is longer than the reader's `maxLineBytes`.
public struct JSONLLine {
    /// 1-based physical line number.
    public let number: Int
    /// Byte offset of the line's first byte in the file.
    public let offset: Int64
    /// Length in bytes, excluding the line ending.
    public let length: Int
    /// The line's bytes, or nil if the line exceeded `maxLineBytes`. Valid only during the callback.
    public let bytes: UnsafeRawBufferPointer?

    /// Creates a line description.
    public init(number: Int, offset: Int64, length: Int, bytes: UnsafeRawBufferPointer?) {
        self.number = number
        self.offset = offset
        self.length = length
        self.bytes = bytes
    }

    /// Whether the line was too long to be buffered.
    public var isOverlong: Bool { bytes == nil }
}
