extension JSONCursor {
    /// Scans a string token starting at its opening quote; returns whether it contained escapes.
    ///
    /// Validates escapes (`\uXXXX` needs four hex digits; lone surrogates are accepted), rejects
    /// raw control characters (< 0x20), and validates UTF-8 strictly.
    @discardableResult
    mutating func scanString() throws(JSONScanError) -> Bool {
        // Work on locals so the hot loop keeps the position in a register.
        let base = self.base
        let count = self.count
        let start = pos
        var index = start + 1
        var escaped = false
        defer { pos = index }
        while true {
            // Fast path: skip plain ASCII 8 bytes at a time, then jump straight to the first
            // byte that needs a closer look.
            while index &+ 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let mask = JSONCursor.attentionMask(word)
                if mask != 0 {
                    index &+= mask.trailingZeroBitCount &>> 3
                    break
                }
                index &+= 8
            }
            guard index < count else {
                throw JSONScanError(offset: start, reason: JSONCursor.unterminatedString)
            }
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return escaped
            } else if byte == UInt8(ascii: "\\") {
                pos = index
                try scanEscape(stringStart: start)
                index = pos
                escaped = true
            } else if byte < 0x20 {
                throw JSONScanError(
                    offset: index,
                    reason: "control character \(JSONCursor.hex(byte)) must be escaped in a string")
            } else if byte < 0x80 {
                index += 1
            } else if let length = UTF8Validation.sequenceLength(base, index, count) {
                index += length
            } else {
                throw JSONScanError(offset: index, reason: JSONScanError.invalidUTF8Reason)
            }
        }
    }

    /// High bits set for bytes of `word` (little-endian) that are `"`, `\`, a control character,
    /// or non-ASCII. Borrows can also flag bytes *after* the first flagged one, never before it,
    /// so the lowest set bit is exact.
    @inline(__always) static func attentionMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & highs
    }

    /// Scans one escape sequence starting at the backslash.
    private mutating func scanEscape(stringStart: Int) throws(JSONScanError) {
        guard pos + 1 < count else {
            throw JSONScanError(offset: stringStart, reason: JSONCursor.unterminatedString)
        }
        switch base[pos + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            pos += 2
        case UInt8(ascii: "u"):
            guard pos + 6 <= count,
                JSONCursor.hexValue(base[pos + 2]) != nil, JSONCursor.hexValue(base[pos + 3]) != nil,
                JSONCursor.hexValue(base[pos + 4]) != nil, JSONCursor.hexValue(base[pos + 5]) != nil
            else {
                throw JSONScanError(offset: pos, reason: "invalid \\u escape: expected four hex digits")
            }
            pos += 6
        default:
            let escape = base[pos + 1]
            let shown =
                escape >= 0x21 && escape < 0x7F
                ? "'\\\(Character(Unicode.Scalar(escape)))'" : "\\ followed by \(JSONCursor.hex(escape))"
            throw JSONScanError(offset: pos, reason: "invalid escape \(shown) in a string")
        }
    }

    /// The value of an ASCII hex digit, or nil.
    @inline(__always) static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt16(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
