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

    @inline(__always) private mutating func skipDigits() {
        while pos < count && JSONCursor.isDigit(base[pos]) { pos += 1 }
    }
}
