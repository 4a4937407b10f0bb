/// A fast validating RFC 8259 JSON scanner over raw UTF-8 bytes.
///
/// Guarantees: a buffer is accepted only if it is exactly one JSON value with optional
/// surrounding whitespace, valid at every depth — strict number grammar (no leading zeros),
/// only the escapes JSON defines, no raw control characters in strings, strictly valid UTF-8
/// inside strings, and at most 512 levels of nesting. Lone surrogates written as `\u` escapes are
/// accepted. Scanning allocates nothing per token: only the members arrays (and decoded keys
/// longer than Swift's small-string limit); values are never materialised.
public enum JSONScanner {
    /// Validates the whole buffer as one JSON value and, if it is an object, returns its
    /// top-level members in document order (duplicate keys are all kept). Returns nil when the
    /// buffer is valid JSON but not an object.
    public static func topLevelMembers(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> [JSONMember]?
    {
        var nested: [JSONRawMember]? = nil
        guard let raw = try rawTopLevelMembers(bytes, expanding: nil, nested: &nested) else { return nil }
        return raw.map { JSONMember(key: $0.key(in: bytes), kind: $0.kind, range: $0.range) }
    }

    /// Like ``topLevelMembers(_:)-(UnsafeRawBufferPointer)`` but without decoding keys; if a
    /// top-level member whose key is `expandKey` holds an object, also
    /// returns that object's members in `nested` (ranges relative to `bytes`; with duplicate
    /// keys, the last such member wins). One pass, so the nested object is not scanned twice.
    static func rawTopLevelMembers(
        _ bytes: UnsafeRawBufferPointer, expanding expandKey: StaticString?, nested: inout [JSONRawMember]?
    ) throws(JSONScanError) -> [JSONRawMember]? {
        var cursor = JSONCursor(bytes)
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "{") else {
            _ = try cursor.scanValue(depth: 0)
            try cursor.expectEnd()
            return nil
        }
        let members = try scanObjectMembers(&cursor, bytes, depth: 0, expanding: expandKey, nested: &nested)
        try cursor.expectEnd()
        return members
    }

    /// Scans the object at the cursor (on its `{`, enclosed by `depth` containers), returning
    /// its members.
    private static func scanObjectMembers(
        _ cursor: inout JSONCursor, _ bytes: UnsafeRawBufferPointer, depth: Int,
        expanding expandKey: StaticString?,
        nested: inout [JSONRawMember]?
    ) throws(JSONScanError) -> [JSONRawMember] {
        cursor.pos += 1
        var members: [JSONRawMember] = []
        members.reserveCapacity(8)
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "}") {
            cursor.pos += 1
            return members
        }
        while true {
            guard cursor.peek() == UInt8(ascii: "\"") else {
                throw cursor.unexpected(expecting: JSONCursor.memberName)
            }
            let keyStart = cursor.pos + 1
            let escaped = try cursor.scanString()
            let keyRange = keyStart..<(cursor.pos - 1)
            cursor.skipWhitespace()
            try cursor.expect(UInt8(ascii: ":"), JSONCursor.colon)
            cursor.skipWhitespace()
            let valueStart = cursor.pos
            let kind: JSONValueKind
            if let expandKey, cursor.peek() == UInt8(ascii: "{"),
                JSONRawMember(keyRange: keyRange, keyEscaped: escaped, kind: .object, range: 0..<0)
                    .keyEquals(expandKey, in: bytes)
            {
                var ignored: [JSONRawMember]? = nil
                nested = try scanObjectMembers(
                    &cursor, bytes, depth: depth + 1, expanding: nil, nested: &ignored)
                kind = .object
            } else {
                kind = try cursor.scanValue(depth: depth + 1)
            }
            members.append(
                JSONRawMember(
                    keyRange: keyRange, keyEscaped: escaped, kind: kind, range: valueStart..<cursor.pos))
            cursor.skipWhitespace()
            let separator = cursor.peek()
            if separator == UInt8(ascii: ",") {
                cursor.pos += 1
                cursor.skipWhitespace()
            } else if separator == UInt8(ascii: "}") {
                cursor.pos += 1
                return members
            } else {
                throw cursor.unexpected(expecting: "',' or '}' after the member")
            }
        }
    }

    /// Convenience over a byte array; see ``topLevelMembers(_:)-(UnsafeRawBufferPointer)``.
    public static func topLevelMembers(_ bytes: [UInt8]) throws(JSONScanError) -> [JSONMember]? {
        try withRawBytes(bytes) { buffer throws(JSONScanError) in try topLevelMembers(buffer) }
    }

    /// Validates the whole buffer as exactly one JSON value and returns its kind.
    public static func validate(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> JSONValueKind {
        var cursor = JSONCursor(bytes)
        let kind = try cursor.scanValue(depth: 0)
        try cursor.expectEnd()
        return kind
    }

    /// Convenience over a byte array; see ``validate(_:)-(UnsafeRawBufferPointer)``.
    public static func validate(_ bytes: [UInt8]) throws(JSONScanError) -> JSONValueKind {
        try withRawBytes(bytes) { buffer throws(JSONScanError) in try validate(buffer) }
    }

    @inline(__always)
    static func withRawBytes<R>(
        _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(JSONScanError) -> R
    ) throws(JSONScanError) -> R {
        let result: Result<R, JSONScanError> = bytes.withUnsafeBytes { buffer in
            do throws(JSONScanError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
