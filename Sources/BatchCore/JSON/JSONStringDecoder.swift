/// Turns JSON string tokens into Swift strings.
///
/// Guarantees: every escape is resolved, `\uXXXX` surrogate pairs combine into one scalar, and a
/// lone surrogate becomes U+FFFD (Swift strings cannot hold surrogates).
enum JSONStringDecoder {
    /// Decodes a token already validated by ``JSONCursor/scanString()`` (quotes included).
    static func decode(validatedToken token: UnsafeRawBufferPointer) -> String {
        let base = token.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = token.count - 1
        var out: [UInt8] = []
        out.reserveCapacity(end)
        var pos = 1
        while pos < end {
            let byte = base[pos]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                pos += 1
                continue
            }
            let escape = base[pos + 1]
            pos += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let unit = hex4(base + pos)
                pos += 4
                var scalarValue = UInt32(unit)
                if unit >= 0xD800 && unit < 0xDC00, pos + 6 <= end, base[pos] == UInt8(ascii: "\\"),
                    base[pos + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(base + pos + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        pos += 6
                    }
                }
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                out.append(contentsOf: UTF8.encode(scalar)!)
            default: out.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) private static func hex4(_ pointer: UnsafePointer<UInt8>) -> UInt16 {
        var value: UInt16 = 0
        for index in 0..<4 { value = value << 4 | (JSONCursor.hexValue(pointer[index]) ?? 0) }
        return value
    }
}

extension JSONScanner {
    /// Decodes one JSON string token (with its quotes) into a Swift string, resolving all escapes
    /// including `\uXXXX` surrogate pairs. Throws if the token is not exactly one valid string.
    public static func decodeString(_ token: UnsafeRawBufferPointer) throws(JSONScanError) -> String {
        var cursor = JSONCursor(token)
        guard cursor.peek() == UInt8(ascii: "\"") else { throw cursor.unexpected(expecting: "a string") }
        let escaped = try cursor.scanString()
        guard cursor.atEnd else {
            throw JSONScanError(offset: cursor.pos, reason: "trailing characters after the value")
        }
        if !escaped {
            return String(
                decoding: UnsafeRawBufferPointer(rebasing: token[1..<(token.count - 1)]), as: UTF8.self)
        }
        return JSONStringDecoder.decode(validatedToken: token)
    }

    /// Convenience over a byte array; see ``decodeString(_:)-(UnsafeRawBufferPointer)``.
    public static func decodeString(_ token: [UInt8]) throws(JSONScanError) -> String {
        try withRawBytes(token) { buffer throws(JSONScanError) in try decodeString(buffer) }
    }

    /// The value of a number token that is a JSON integer (no fraction or exponent) fitting in
    /// `Int`; nil otherwise (including on overflow).
    public static func integerValue(_ token: UnsafeRawBufferPointer) -> Int? {
        guard !token.isEmpty else { return nil }
        let negative = token[0] == UInt8(ascii: "-")
        let digits = negative ? token.dropFirst() : token[...]
        guard let first = digits.first, JSONCursor.isDigit(first) else { return nil }
        guard first != UInt8(ascii: "0") || digits.count == 1 else { return nil }
        var value = 0  // accumulated negatively so that Int.min fits
        for byte in digits {
            guard JSONCursor.isDigit(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = next
        }
        if negative { return value }
        return value == Int.min ? nil : -value
    }

    /// Convenience over a byte array; see ``integerValue(_:)-(UnsafeRawBufferPointer)``.
    public static func integerValue(_ token: [UInt8]) -> Int? {
        token.withUnsafeBytes { integerValue($0) }
    }
}
