import NIOHTTP1

/// The limits OpenAI puts on one embeddings request, and its 400 answers when they are broken.
///
/// Documented limits: at most 2,048 inputs, at most 8,192 tokens per input (the model's context;
/// `--max-input-tokens` lowers it so tests can make a bad input cheaply) and at most 300,000 tokens
/// summed over the request; an empty string (or empty token list) is refused. Each refusal is a
/// 400 `invalid_request_error` with `code: null`, as OpenAI sends it, and refuses the whole
/// request: it does not say which input was at fault.
extension EmbeddingsCall {
    static let maxInputs = 2048
    static let maxRequestTokens = 300_000
    static let defaultMaxInputTokens = 8192

    /// The 400 answer this request gets, or `nil` when it is within the limits.
    func refusal(maxInputTokens: Int?) -> SimResponse? {
        let perInput = maxInputTokens ?? Self.defaultMaxInputTokens
        if items.contains(where: \.isEmpty) {
            return Self.invalid(
                "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
                param: nil)
        }
        if items.count > Self.maxInputs {
            return Self.invalid(
                "Invalid 'input': array too long. Expected an array with maximum length \(Self.maxInputs), but got an array with length \(items.count) instead.",
                param: "input")
        }
        if let longest = items.map(\.tokens).max(), longest > perInput {
            return Self.invalid(
                "This model's maximum context length is \(perInput) tokens, however you requested \(longest) tokens (\(longest) in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
                param: nil)
        }
        if tokenCost > Self.maxRequestTokens {
            return Self.invalid(
                "Requested \(tokenCost) tokens, max \(Self.maxRequestTokens) tokens per request", param: nil)
        }
        return nil
    }

    private static func invalid(_ message: String, param: String?) -> SimResponse {
        SimResponse(
            status: .badRequest,
            json: .object([
                (
                    "error",
                    .object([
                        ("message", .string(message)), ("type", "invalid_request_error"),
                        ("param", param.map { .string($0) } ?? .null), ("code", .null),
                    ])
                )
            ]))
    }
}

extension SimulatorStats {
    /// Counts one embeddings request answered 200 with `inputs` inputs.
    mutating func countEmbeddings(inputs: Int) {
        embeddingRequests += 1
        embeddingInputs += inputs
    }
}
