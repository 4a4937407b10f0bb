/// The scanner's error messages: where, what was expected there, and what was found.
///
/// Only error paths run this code, so it may look around the position at leisure.
extension JSONCursor {
    /// An error at the current position: what was `expected` there, and what was found.
    ///
    /// A closing bracket right after a comma is reported as a trailing comma, at the comma.
    func unexpected(expecting expected: String) -> JSONScanError {
        let byte = peek()
        if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]"), let comma = previousSignificantOffset(),
            base[comma] == UInt8(ascii: ",")
        {
            let what = byte == UInt8(ascii: "}") ? "member" : "element"
            return JSONScanError(
                offset: comma,
                reason: "trailing comma before '\(Character(Unicode.Scalar(byte)))': JSON allows no comma"
                    + " after the last \(what)")
        }
        return JSONScanError(offset: pos, reason: "expected \(expected), found \(describeFound())")
    }

    /// The error for a value that is missing or misspelled at the current position.
    func expectedValue() -> JSONScanError {
        let afterColon = previousSignificantOffset().map { base[$0] == UInt8(ascii: ":") } ?? false
        return unexpected(expecting: afterColon ? "a value after ':'" : "a value")
    }

    /// Offset of the last byte before the current position that is not whitespace.
    private func previousSignificantOffset() -> Int? {
        var index = pos - 1
        while index >= 0 {
            let byte = base[index]
            if byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 { return index }
            index -= 1
        }
        return nil
    }

    /// What the text holds at the current position, for messages: `the word 'this'`,
    /// `the number 12`, `the string "abc"`, `'}'`, `the end of the text`, … (long tokens shortened).
    func describeFound() -> String {
        guard pos < count else { return "the end of the text" }
        let byte = base[pos]
        func run(_ belongs: (UInt8) -> Bool) -> String {
            var end = pos
            while end < count && belongs(base[end]) { end += 1 }
            let text = String(
                decoding: UnsafeBufferPointer(start: base + pos, count: end - pos), as: UTF8.self)
            return text.count > 20 ? text.prefix(19) + "…" : text
        }
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return "the word '\(run { JSONCursor.isWordByte($0) })'"
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return "the number \(run { JSONCursor.isNumberByte($0) })"
        case UInt8(ascii: "\""):
            var copy = self
            guard (try? copy.scanString()) != nil else { return "'\"'" }
            let length = copy.pos - pos
            let shown = length > 22 ? JSONCursor.clippedUTF8Length(base + pos, 20) : length
            let text = String(decoding: UnsafeBufferPointer(start: base + pos, count: shown), as: UTF8.self)
            return "the string " + (shown < length ? text + "…" : text)
        case UInt8(ascii: "'"):
            return "a single quote (JSON strings need double quotes)"
        case 0x21..<0x7F:
            return "'\(Character(Unicode.Scalar(byte)))'"
        case 0x20:
            return "a space"
        case 0..<0x20, 0x7F:
            return "the control character " + JSONCursor.hex(byte)
        default:
            guard let length = UTF8Validation.sequenceLength(base, pos, count) else {
                return "the byte " + JSONCursor.hex(byte)
            }
            return "'"
                + String(decoding: UnsafeBufferPointer(start: base + pos, count: length), as: UTF8.self)
                + "'"
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_")
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte | 0x20 == UInt8(ascii: "e")
    }

    /// The length of the first `limit` bytes at `start`, shortened so as not to cut a UTF-8 sequence.
    private static func clippedUTF8Length(_ start: UnsafePointer<UInt8>, _ limit: Int) -> Int {
        var length = limit
        while length > 0 && start[length] & 0xC0 == 0x80 { length -= 1 }
        return length
    }

    /// `0x0A`-style rendering of a byte for messages.
    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0x0" + digits : "0x" + digits
    }
}
