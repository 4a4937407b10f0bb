/// The scanning core behind ``JSONScanner``: a position over a borrowed byte buffer.
///
/// The cursor never reads outside `0..<count`; `peek` returns 0 at the end, which no valid
/// token starts with, so callers only need an explicit end check where 0 could be meaningful.
struct JSONCursor {
    static let maxDepth = 512

    /// What is expected where an object member starts.
    static let memberName = "a member name in double quotes"
    /// What is expected after a member name.
    static let colon = "':' after the member name"
    static let unterminatedString = "unterminated string: the closing quote is missing"

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

    @inline(__always) mutating func expect(_ byte: UInt8, _ what: String) throws(JSONScanError) {
        guard peek() == byte else { throw unexpected(expecting: what) }
        pos += 1
    }

    /// Scans `literal` (e.g. `true`) at the current position; a misspelling is reported at its
    /// start, as the word found there.
    mutating func scanLiteral(_ literal: StaticString) throws(JSONScanError) {
        let length = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        let literalStart = pos
        for index in 0..<length {
            guard peek() == start[index] else {
                pos = literalStart
                throw expectedValue()
            }
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
            throw expectedValue()
        }
    }
}
