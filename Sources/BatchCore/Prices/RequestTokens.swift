/// One request's estimated tokens, split the way prices are: input apart from the most the
/// answer may use. Same rules as ``TokenCost`` (whose single figure is `input + maxOutput`, for
/// rate limits): input is `ceil(prompt text bytes / 4)`; the answer's limit is `max_tokens`,
/// `max_completion_tokens` or `max_output_tokens`, times `n` (or `best_of`).
public struct RequestTokens: Sendable, Equatable {
    /// Estimated input tokens (0 for audio uploads).
    public var input: Int
    /// The answer's limit in tokens; `nil` when the request names none but may answer with text.
    public var maxOutput: Int?
    /// Inputs of an embeddings request (`input` as a string: 1; as a list of strings or of token
    /// lists: their number; as one token list: 1).
    public var embeddingInputs: Int
    /// Characters of a speech request's `input` (priced per character), as UTF-8 bytes.
    public var characters: Int

    public init(input: Int, maxOutput: Int?, embeddingInputs: Int = 0, characters: Int = 0) {
        self.input = input
        self.maxOutput = maxOutput
        self.embeddingInputs = embeddingInputs
        self.characters = characters
    }

    /// The estimate from a body's top-level members (ranges relative to `buffer`).
    static func estimate(members: [JSONRawMember], in buffer: UnsafeRawBufferPointer, path: APIPath)
        -> RequestTokens
    {
        var promptBytes = 0
        var limit: Int?
        var choices = 1
        var inputs = 0
        var characters = 0
        for member in members {
            let value = UnsafeRawBufferPointer(rebasing: buffer[member.range])
            func key(_ name: StaticString) -> Bool { member.keyEquals(name, in: buffer) }
            if key("messages") || key("input") || key("prompt") || key("instructions") {
                let bytes = TokenCost.textBytes(value)
                promptBytes += bytes
                if key("input") {
                    inputs = Self.inputCount(value, kind: member.kind)
                    characters = bytes
                }
            } else if key("max_tokens") || key("max_completion_tokens") || key("max_output_tokens") {
                limit = max(limit ?? 0, JSONScanner.integerValue(value) ?? 0)
            } else if key("n") || key("best_of") {
                choices = max(choices, JSONScanner.integerValue(value) ?? 1)
            }
        }
        let input = max(1, (promptBytes + 3) / 4)
        switch path {
        case .audioTranscriptions, .audioTranslations:
            return RequestTokens(input: 0, maxOutput: 0)
        case .audioSpeech:
            return RequestTokens(input: input, maxOutput: 0, characters: characters)
        case .embeddings:
            return RequestTokens(input: input, maxOutput: 0, embeddingInputs: max(1, inputs))
        case .moderations:
            return RequestTokens(input: input, maxOutput: 0)
        case .imagesGenerations, .imagesEdits:
            return RequestTokens(input: input, maxOutput: 0)
        case .chatCompletions, .responses, .completions:
            let (answer, overflow) = (limit ?? 0).multipliedReportingOverflow(by: choices)
            return RequestTokens(
                input: input, maxOutput: limit == nil ? nil : (overflow ? TokenCost.maximum : answer))
        }
    }

    /// How many inputs an `input` value holds: a string is one; an array of numbers (one token
    /// list) is one; any other array holds one input per element.
    static func inputCount(_ value: UnsafeRawBufferPointer, kind: JSONValueKind) -> Int {
        guard kind == .array else { return 1 }
        var depth = 0
        var elements = 0
        var inString = false
        var escaped = false
        var sawValue = false
        var firstIsNumber: Bool?
        for byte in value {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1 && !sawValue { sawValue = true }
                if firstIsNumber == nil && depth == 1 { firstIsNumber = false }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth == 2 && !sawValue { sawValue = true }
                if firstIsNumber == nil && depth == 2 { firstIsNumber = false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 1 { elements += 1 }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if depth == 1 {
                    sawValue = true
                    if firstIsNumber == nil { firstIsNumber = true }
                }
            default:
                if depth == 1 && byte > 0x20 { sawValue = true }
            }
        }
        if !sawValue { return 0 }
        return firstIsNumber == true ? 1 : elements + 1
    }
}

extension BatchLineParser {
    /// Parses one line as ``parse(_:)`` does, and estimates its tokens split into input and
    /// answer (``RequestTokens``), from the body members the parse found: one scan of the line.
    public func parseEstimating(_ line: UnsafeRawBufferPointer) -> Result<
        (request: BatchRequestLine, tokens: RequestTokens), LineRejection
    > {
        parseKeepingBody(line).map { parsed in
            (
                parsed.request,
                RequestTokens.estimate(members: parsed.body, in: line, path: parsed.request.path)
            )
        }
    }
}
