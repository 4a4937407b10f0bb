/// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates (U+D800–U+DFFF),
/// nothing above U+10FFFF, no truncated sequences.
enum UTF8Validation {
    /// Length of the well-formed multi-byte sequence starting at `pos` (whose first byte is
    /// ≥ 0x80), or nil if the bytes there are not valid UTF-8.
    @inline(__always)
    static func sequenceLength(_ base: UnsafePointer<UInt8>, _ pos: Int, _ count: Int) -> Int? {
        let lead = base[pos]
        let trailing: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: trailing = 1
        case 0xE0: trailing = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: trailing = 2
        case 0xED: trailing = 2; high = 0x9F
        case 0xF0: trailing = 3; low = 0x90
        case 0xF1...0xF3: trailing = 3
        case 0xF4: trailing = 3; high = 0x8F
        default: return nil
        }
        guard pos + trailing < count else { return nil }
        let second = base[pos + 1]
        guard second >= low && second <= high else { return nil }
        var index = 2
        while index <= trailing {
            guard base[pos + index] & 0xC0 == 0x80 else { return nil }
            index += 1
        }
        return trailing + 1
    }

    /// Offset of the first invalid byte in `bytes`, or nil if all of it is valid UTF-8.
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let raw = bytes.baseAddress else { return nil }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        var pos = 0
        while pos < count {
            if base[pos] < 0x80 {
                pos += 1
            } else if let length = sequenceLength(base, pos, count) {
                pos += length
            } else {
                return pos
            }
        }
        return nil
    }
}
