extension JSONCursor {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Scans a number per RFC 8259 §6: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    mutating func scanNumber() throws(JSONScanError) {
        let start = pos
        if peek() == UInt8(ascii: "-") { pos += 1 }
        let first = peek()
        if first == UInt8(ascii: "0") {
            pos += 1
            if JSONCursor.isDigit(peek()) {
                throw JSONScanError(offset: start, reason: "leading zeros are not allowed in numbers")
            }
        } else if JSONCursor.isDigit(first) {
            pos += 1
            skipDigits()
        } else {
            throw JSONScanError(offset: pos, reason: "invalid number: expected a digit")
        }
        if peek() == UInt8(ascii: ".") {
            pos += 1
            guard JSONCursor.isDigit(peek()) else {
                throw JSONScanError(offset: pos, reason: "invalid number: expected a digit after '.'")
            }
            skipDigits()
        }
        let exponent = peek()
        if exponent == UInt8(ascii: "e") || exponent == UInt8(ascii: "E") {
            pos += 1
            let sign = peek()
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { pos += 1 }
            guard JSONCursor.isDigit(peek()) else {
                throw JSONScanError(offset: pos, reason: "invalid number: expected a digit in the exponent")
            }
            skipDigits()
        }
    }

    /// After a number inside an array, scans the numbers that follow it (`, 0.12, -3e-2, …`) up
    /// to the first byte that does not go on the run, which it leaves for the caller: an
    /// embedding's thousands of floats then skip the general loop's per-value dispatch, and are
    /// taken 64 bytes at a time where they allow it (``skipNumberBlocks()``).
    @inline(__always) mutating func skipNumberRun() throws(JSONScanError) {
        while pos < count, base[pos] == UInt8(ascii: ",") {
            var next = pos + 1
            while next < count,
                base[next] == 0x20 || base[next] == 0x0A || base[next] == 0x0D || base[next] == 0x09
            {
                next += 1
            }
            guard next < count, base[next] == UInt8(ascii: "-") || JSONCursor.isDigit(base[next]) else {
                return
            }
            let afterComma = next == pos + 1
            pos = next
            if afterComma { skipNumberBlocks() }
            try scanNumber()
        }
    }

    /// Skips ASCII digits, eight at a time while it can: an embedding answer is megabytes of
    /// digits, so this loop is most of what validating one costs.
    @inline(__always) private mutating func skipDigits() {
        while pos + 8 <= count,
            JSONCursor.areEightDigits(UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
        {
            pos += 8
        }
        while pos < count && JSONCursor.isDigit(base[pos]) { pos += 1 }
    }

    /// Whether each of the eight bytes of `word` is an ASCII digit (simdjson's test): a digit's
    /// high nibble is 3, and adding 6 leaves it 3 only for 0x30...0x39. A carry out of one byte can
    /// only make the next byte fail (then the bytes are checked one by one), never pass.
    @inline(__always) static func areEightDigits(_ word: UInt64) -> Bool {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let plusSix = (word &+ 0x0606_0606_0606_0606) & highNibbles
        return (word & highNibbles) | (plusSix >> 4) == 0x3333_3333_3333_3333
    }
}
