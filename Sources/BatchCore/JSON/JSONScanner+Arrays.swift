extension JSONScanner {
    /// The elements of the JSON array that is exactly `bytes` (optional surrounding whitespace), in
    /// order, each with its kind and byte range (relative to `bytes`). Validates every element at
    /// every depth; nil when `bytes` is valid JSON but not an array.
    public static func arrayElements(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> [(
        kind: JSONValueKind, range: Range<Int>
    )]? {
        var cursor = JSONCursor(bytes)
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "[") else {
            _ = try cursor.scanValue(depth: 0)
            try cursor.expectEnd()
            return nil
        }
        let elements = try scanArrayElements(&cursor, depth: 1)
        try cursor.expectEnd()
        return elements
    }

    /// Scans the array at the cursor (on its `[`), returning its elements; `depth` is the depth of
    /// the elements.
    static func scanArrayElements(_ cursor: inout JSONCursor, depth: Int) throws(JSONScanError) -> [(
        kind: JSONValueKind, range: Range<Int>
    )] {
        cursor.pos += 1
        var elements: [(kind: JSONValueKind, range: Range<Int>)] = []
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "]") {
            cursor.pos += 1
            return elements
        }
        while true {
            let start = cursor.pos
            let kind = try cursor.scanValue(depth: depth)
            elements.append((kind, start..<cursor.pos))
            cursor.skipWhitespace()
            let separator = cursor.peek()
            if separator == UInt8(ascii: ",") {
                cursor.pos += 1
                cursor.skipWhitespace()
            } else if separator == UInt8(ascii: "]") {
                cursor.pos += 1
                return elements
            } else {
                throw cursor.unexpected(expecting: "',' or ']' after the element")
            }
        }
    }
}
