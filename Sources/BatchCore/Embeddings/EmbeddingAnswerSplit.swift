/// Splits a pack's embeddings answer back into one body per line, as if each line had been sent
/// alone: `{"object":"list","data":[{"object":"embedding","index":0,"embedding":…},…],"model":…,
/// "usage":{"prompt_tokens":…,"total_tokens":…}}`, indexes from 0.
///
/// Guarantees: each `embedding` is the answer's bytes, sliced (floats or a base64 string are never
/// decoded and re-encoded); the answer is mapped by its `index` values, which must name each input
/// sent exactly once (`data` in any order), otherwise the whole answer is ``Failure`` (malformed:
/// retried, never mapped with a shift); the lines' `usage` shares (``UsageShares``, by their
/// estimates) sum to the answer's. One pass over the answer, which it validates as JSON.
public enum EmbeddingAnswerSplit {
    /// One line's share of the answer.
    public struct Line: Sendable, Equatable {
        /// Its answer body, as if it had been sent alone (with a ``Framing``: its whole output line).
        public var body: [UInt8]
        /// Its share of the answer's `usage`.
        public var usage: TokenUsage
    }

    /// What surrounds each line's body in its output line: `prefixes[i]` before line i's, `suffix`
    /// after each (``OutputLine/answerPrefix(id:customID:status:requestID:reserving:)`` and
    /// ``OutputLine/answerSuffix``).
    public struct Framing: Sendable {
        public var prefixes: [[UInt8]]
        public var suffix: [UInt8]

        public init(prefixes: [[UInt8]], suffix: [UInt8]) {
            self.prefixes = prefixes
            self.suffix = suffix
        }
    }

    /// Why an answer cannot be split.
    public struct Failure: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The bodies for lines holding `inputs[i]` inputs each, in the order they were packed, with
    /// `estimates[i]` their estimated tokens. With `sources`, the request held each distinct input
    /// once: the k-th input of the lines (all lines' inputs in order) is the answer's
    /// `sources[k]`-th; the answer must then hold `uniqueInputs` embeddings.
    ///
    /// With `framing`, each line's `body` is its whole output line instead: the framing's prefix
    /// for that line, the body, the suffix (a body's insignificant line breaks made spaces, as
    /// ``OutputLine`` does), so the answer's bytes are copied once, into the line that is written.
    public static func split(
        _ body: [UInt8], inputs: [Int], estimates: [Int], sources: [Int]? = nil, uniqueInputs: Int? = nil,
        framing: Framing? = nil
    ) -> Result<[Line], Failure> {
        body.withUnsafeBytes { bytes in
            do throws(Failure) {
                return .success(
                    try split(
                        bytes, inputs: inputs, estimates: estimates, sources: sources,
                        uniqueInputs: uniqueInputs, framing: framing))
            } catch {
                return .failure(error)
            }
        }
    }

    private struct Scanned {
        var embeddings: [Range<Int>?] = []
        var model: Range<Int>?
        var usage: TokenUsage?
        var count = 0
    }

    private static func split(
        _ bytes: UnsafeRawBufferPointer, inputs: [Int], estimates: [Int], sources: [Int]?, uniqueInputs: Int?,
        framing: Framing?
    ) throws(Failure) -> [Line] {
        let total = uniqueInputs ?? inputs.reduce(0, +)
        let scanned: Scanned
        do throws(JSONScanError) {
            scanned = try scan(bytes, expected: total)
        } catch {
            throw Failure(reason: "the answer is not valid JSON: \(error.reason)")
        }
        guard scanned.count == total else {
            throw Failure(reason: "the answer has \(scanned.count) embeddings for \(total) inputs")
        }
        guard scanned.embeddings.allSatisfy({ $0 != nil }) else {
            throw Failure(reason: "the answer's data indexes do not name each of the \(total) inputs once")
        }
        let usage = scanned.usage ?? TokenUsage()
        let prompt = UsageShares.split(usage.promptTokens, by: estimates)
        let all = UsageShares.split(usage.totalTokens, by: estimates)
        // Only whitespace can be a line break in valid JSON; an output line may hold none.
        let breaks = framing != nil && LineBreaks.present(in: bytes)
        let modelBytes = scanned.model?.count ?? 4
        var next = 0
        var bodies: [Line] = []
        bodies.reserveCapacity(inputs.count)
        for (line, count) in inputs.enumerated() {
            let ranges = (next..<(next + count)).map { scanned.embeddings[sources?[$0] ?? $0]! }
            var out: [UInt8] = []
            // Exact but for the digits of the indexes and usage: one allocation per line.
            let prefix = framing?.prefixes[line] ?? []
            out.reserveCapacity(
                prefix.count + ranges.reduce(0) { $0 + $1.count + 48 } + modelBytes + 96
                    + (framing?.suffix.count ?? 0))
            out.append(contentsOf: prefix)
            let bodyStart = out.count
            out.append(contentsOf: #"{"object":"list","data":["#.utf8)
            for (index, range) in ranges.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"object":"embedding","index":"#.utf8)
                out.append(contentsOf: String(index).utf8)
                out.append(contentsOf: #","embedding":"#.utf8)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[range]))
                out.append(UInt8(ascii: "}"))
            }
            next += count
            out.append(contentsOf: #"],"model":"#.utf8)
            if let model = scanned.model {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[model]))
            } else {
                out.append(contentsOf: "null".utf8)
            }
            out.append(contentsOf: #","usage":{"prompt_tokens":"#.utf8)
            out.append(contentsOf: String(prompt[line]).utf8)
            out.append(contentsOf: #","total_tokens":"#.utf8)
            out.append(contentsOf: String(all[line]).utf8)
            out.append(contentsOf: "}}".utf8)
            if let framing {
                if breaks {
                    for position in bodyStart..<out.count where out[position] == 0x0A || out[position] == 0x0D
                    {
                        out[position] = 0x20
                    }
                }
                out.append(contentsOf: framing.suffix)
            }
            bodies.append(
                Line(body: out, usage: TokenUsage(promptTokens: prompt[line], totalTokens: all[line])))
        }
        return bodies
    }

    /// One pass: the top-level members, `data`'s elements and their `index` and `embedding`.
    private static func scan(_ bytes: UnsafeRawBufferPointer, expected: Int) throws(JSONScanError) -> Scanned
    {
        var result = Scanned()
        result.embeddings = Array(repeating: nil, count: expected)
        var cursor = JSONCursor(bytes)
        cursor.skipWhitespace()
        try forEachMember(&cursor, bytes, depth: 0) { key, cursor throws(JSONScanError) in
            if key.keyEquals("data", in: bytes), cursor.peek() == UInt8(ascii: "[") {
                try scanData(&cursor, bytes, into: &result)
            } else if key.keyEquals("usage", in: bytes), cursor.peek() == UInt8(ascii: "{") {
                let start = cursor.pos
                _ = try cursor.scanValue(depth: 1)
                let usage = UnsafeRawBufferPointer(rebasing: bytes[start..<cursor.pos])
                result.usage = BodyScan(body: Array(#"{"usage":"#.utf8) + usage + [UInt8(ascii: "}")]).usage
            } else {
                let start = cursor.pos
                _ = try cursor.scanValue(depth: 1)
                if key.keyEquals("model", in: bytes) { result.model = start..<cursor.pos }
            }
        }
        try cursor.expectEnd()
        return result
    }

    private static func scanData(
        _ cursor: inout JSONCursor, _ bytes: UnsafeRawBufferPointer, into result: inout Scanned
    )
        throws(JSONScanError)
    {
        cursor.pos += 1
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "]") {
            cursor.pos += 1
            return
        }
        while true {
            var index: Int?
            var embedding: Range<Int>?
            if cursor.peek() == UInt8(ascii: "{") {
                try forEachMember(&cursor, bytes, depth: 2) { key, cursor throws(JSONScanError) in
                    let start = cursor.pos
                    _ = try cursor.scanValue(depth: 3)
                    if key.keyEquals("index", in: bytes) {
                        index = JSONScanner.integerValue(
                            UnsafeRawBufferPointer(rebasing: bytes[start..<cursor.pos]))
                    } else if key.keyEquals("embedding", in: bytes) {
                        embedding = start..<cursor.pos
                    }
                }
            } else {
                _ = try cursor.scanValue(depth: 2)
            }
            result.count += 1
            if let index, let embedding, result.embeddings.indices.contains(index),
                result.embeddings[index] == nil
            {
                result.embeddings[index] = embedding
            }
            cursor.skipWhitespace()
            let separator = cursor.peek()
            if separator == UInt8(ascii: ",") {
                cursor.pos += 1
                cursor.skipWhitespace()
            } else if separator == UInt8(ascii: "]") {
                cursor.pos += 1
                return
            } else {
                throw cursor.unexpected(expecting: "',' or ']' after the element")
            }
        }
    }

    /// Calls `body` with each member's key, the cursor on its value; `body` must scan the value.
    private static func forEachMember(
        _ cursor: inout JSONCursor, _ bytes: UnsafeRawBufferPointer, depth: Int,
        _ body: (JSONRawMember, inout JSONCursor) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        guard cursor.peek() == UInt8(ascii: "{") else { throw cursor.unexpected(expecting: "a JSON object") }
        cursor.pos += 1
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "}") {
            cursor.pos += 1
            return
        }
        while true {
            guard cursor.peek() == UInt8(ascii: "\"") else {
                throw cursor.unexpected(expecting: JSONCursor.memberName)
            }
            let keyStart = cursor.pos + 1
            let escaped = try cursor.scanString()
            let key = JSONRawMember(
                keyRange: keyStart..<(cursor.pos - 1), keyEscaped: escaped, kind: .null, range: 0..<0)
            cursor.skipWhitespace()
            try cursor.expect(UInt8(ascii: ":"), JSONCursor.colon)
            cursor.skipWhitespace()
            try body(key, &cursor)
            cursor.skipWhitespace()
            let separator = cursor.peek()
            if separator == UInt8(ascii: ",") {
                cursor.pos += 1
                cursor.skipWhitespace()
            } else if separator == UInt8(ascii: "}") {
                cursor.pos += 1
                return
            } else {
                throw cursor.unexpected(expecting: "',' or '}' after the member")
            }
        }
    }
}
