/// The scanning core behind ``JSONScanner``: a position over a borrowed byte buffer.
///
/// The cursor never reads outside `0..<count`; `peek` returns 0 at the end, which no valid
/// token starts with, so callers only need an explicit end check where 0 could be meaningful.
struct JSONCursor {
    static let maxDepth = 512

    let base: UnsafePointer<UInt8>
    let count: Int
    var pos: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address. With `count == 0` nothing is ever read,
        // so any non-null placeholder will do.
        self.base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        self.count = bytes.count
    }

    @inline(__always) var atEnd: Bool { pos >= count }

    @inline(__always) func peek() -> UInt8 { pos < count ? base[pos] : 0 }

    @inline(__always) mutating func skipWhitespace() {
        while pos < count {
            let byte = base[pos]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            pos += 1
        }
    }

    /// An error at the current position describing the byte found there.
    func unexpected(expecting what: String? = nil) -> JSONScanError {
        guard pos < count else {
            return JSONScanError(
                offset: pos, reason: "unexpected end of input" + (what.map { ", expected \($0)" } ?? ""))
        }
        let byte = base[pos]
        let shown: String
        if byte >= 0x21 && byte < 0x7F {
            shown = "character '\(Character(Unicode.Scalar(byte)))'"
        } else {
            shown = "byte " + JSONCursor.hex(byte)
        }
        return JSONScanError(
            offset: pos, reason: "unexpected \(shown)" + (what.map { ", expected \($0)" } ?? ""))
    }

    /// `0x0A`-style rendering of a byte for messages.
    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0x0" + digits : "0x" + digits
    }

    @inline(__always) mutating func expect(_ byte: UInt8, _ what: String) throws(JSONScanError) {
        guard peek() == byte else { throw unexpected(expecting: what) }
        pos += 1
    }

    /// Scans `literal` (e.g. `true`) at the current position.
    mutating func scanLiteral(_ literal: StaticString) throws(JSONScanError) {
        let length = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for index in 0..<length {
            guard peek() == start[index] else { throw unexpected(expecting: "'\(literal)'") }
            pos += 1
        }
    }

    /// Scans one scalar (string, number, literal) or throws; returns nil if the current byte opens
    /// a container, leaving the cursor on it.
    @inline(__always) mutating func scanScalar() throws(JSONScanError) -> JSONValueKind? {
        switch peek() {
        case UInt8(ascii: "\""):
            try scanString()
            return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
            return .number
        case UInt8(ascii: "t"):
            try scanLiteral("true")
            return .bool
        case UInt8(ascii: "f"):
            try scanLiteral("false")
            return .bool
        case UInt8(ascii: "n"):
            try scanLiteral("null")
            return .null
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return nil
        default:
            throw unexpected(expecting: "a value")
        }
    }
}
