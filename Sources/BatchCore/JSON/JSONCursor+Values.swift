/// Which containers are open while scanning, innermost last; allocation-free up to 64 levels.
struct JSONContainerStack {
    private var inlineBits: UInt64 = 0
    private var overflow: [Bool] = []
    private(set) var depth = 0

    @inline(__always) mutating func push(isObject: Bool) {
        if depth < 64 {
            let bit: UInt64 = 1 << UInt64(depth)
            inlineBits = isObject ? (inlineBits | bit) : (inlineBits & ~bit)
        } else {
            overflow.append(isObject)
        }
        depth += 1
    }

    @inline(__always) mutating func pop() {
        depth -= 1
        if depth >= 64 { overflow.removeLast() }
    }

    @inline(__always) var topIsObject: Bool {
        let top = depth - 1
        return top < 64 ? (inlineBits >> UInt64(top)) & 1 == 1 : overflow[top - 64]
    }
}

extension JSONCursor {
    /// Scans one complete value (skipping leading whitespace) and returns its kind.
    ///
    /// `depth` is how many containers already enclose the value; nesting beyond
    /// ``JSONCursor/maxDepth`` in total is rejected. Iterative, so stack use is constant.
    mutating func scanValue(depth outerDepth: Int) throws(JSONScanError) -> JSONValueKind {
        skipWhitespace()
        let kind: JSONValueKind
        switch peek() {
        case UInt8(ascii: "{"): kind = .object
        case UInt8(ascii: "["): kind = .array
        default: return try scanScalar()!
        }
        var stack = JSONContainerStack()
        valueStart: while true {
            skipWhitespace()
            let scalar = try scanScalar()
            if scalar == .number, stack.depth > 0, !stack.topIsObject {
                try skipNumberRun()
            } else if scalar == nil {
                guard outerDepth + stack.depth < JSONCursor.maxDepth else {
                    throw JSONScanError(offset: pos, reason: "nesting deeper than \(JSONCursor.maxDepth)")
                }
                let isObject = base[pos] == UInt8(ascii: "{")
                stack.push(isObject: isObject)
                pos += 1
                skipWhitespace()
                if isObject {
                    if peek() == UInt8(ascii: "}") {
                        pos += 1
                        stack.pop()
                    } else {
                        try scanKeyAndColon()
                        continue valueStart
                    }
                } else {
                    if peek() == UInt8(ascii: "]") {
                        pos += 1
                        stack.pop()
                    } else {
                        continue valueStart
                    }
                }
            }
            // A value just ended: close containers or move on to the next element.
            while stack.depth > 0 {
                skipWhitespace()
                let byte = peek()
                if byte == UInt8(ascii: ",") {
                    pos += 1
                    if stack.topIsObject {
                        skipWhitespace()
                        try scanKeyAndColon()
                    }
                    continue valueStart
                }
                if stack.topIsObject {
                    guard byte == UInt8(ascii: "}") else {
                        throw unexpected(expecting: "',' or '}' after the member")
                    }
                } else {
                    guard byte == UInt8(ascii: "]") else {
                        throw unexpected(expecting: "',' or ']' after the element")
                    }
                }
                pos += 1
                stack.pop()
            }
            return kind
        }
    }

    /// Scans `"key" :` (whitespace allowed before the colon); returns whether the key had escapes.
    @discardableResult
    @inline(__always) mutating func scanKeyAndColon() throws(JSONScanError) -> Bool {
        guard peek() == UInt8(ascii: "\"") else { throw unexpected(expecting: JSONCursor.memberName) }
        let escaped = try scanString()
        skipWhitespace()
        try expect(UInt8(ascii: ":"), JSONCursor.colon)
        return escaped
    }

    /// Skips trailing whitespace and throws unless the buffer ends there.
    mutating func expectEnd() throws(JSONScanError) {
        skipWhitespace()
        guard atEnd else {
            throw JSONScanError(
                offset: pos, reason: "trailing characters after the value: found \(describeFound())")
        }
    }
}
