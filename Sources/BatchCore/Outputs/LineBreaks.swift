/// Finds CR and LF bytes eight bytes at a time (the "has a zero byte" word trick), for output
/// lines that copy answers of megabytes.
enum LineBreaks {
    /// Whether `bytes` holds a `\n` or a `\r`.
    static func present(in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { present(in: $0) }
    }

    /// Whether `buffer` holds a `\n` or a `\r`.
    static func present(in buffer: UnsafeRawBufferPointer) -> Bool {
        let count = buffer.count
        var index = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= count {
            let word = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let lf = word ^ (ones &* 0x0A)
            let cr = word ^ (ones &* 0x0D)
            if ((lf &- ones) & ~lf & highs) | ((cr &- ones) & ~cr & highs) != 0 { return true }
            index += 8
        }
        while index < count {
            let byte = buffer[index]
            if byte == 0x0A || byte == 0x0D { return true }
            index += 1
        }
        return false
    }
}
