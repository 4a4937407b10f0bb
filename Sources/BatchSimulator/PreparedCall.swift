/// What every answer renderer needs besides the request itself.
struct RenderContext: Sendable {
    /// The model/deployment echoed as `model`.
    var model: String
    /// A unique suffix for ids in the body (`chatcmpl-…`, `resp_…`).
    var idSuffix: String
    /// Unix seconds for `created` fields.
    var created: Int
    /// Default embedding length.
    var embeddingDimensions: Int
}

/// A request that passed validation: knows its rate-limit token cost and how to render its answer.
///
/// Validation (and the cost estimate) happen before rate limiting, rendering only after admission.
protocol PreparedCall {
    /// Token cost charged against the TPM bucket on arrival (see ``RateLimiter``).
    var tokenCost: Int { get }
    /// The 200 answer.
    func render(_ context: RenderContext) -> SimResponse
}

/// A client error found while validating a request body: becomes a 400 `invalid_request`.
struct RequestError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Builds the ``PreparedCall`` for an operation from a parsed JSON body.
enum CallFactory {
    static func prepare(_ operation: APIOperation, json: [String: Any]) throws(RequestError)
        -> any PreparedCall
    {
        switch operation {
        case .chatCompletions: try ChatCall(json)
        case .responses: try ResponsesCall(json)
        case .completions: try CompletionsCall(json)
        case .embeddings: try EmbeddingsCall(json)
        case .moderations: try ModerationsCall(json)
        case .audioSpeech: try SpeechCall(json)
        case .imagesGenerations: try ImagesCall(json)
        case .audioTranscriptions, .audioTranslations, .imagesEdits:
            throw RequestError("This operation takes multipart/form-data.")
        }
    }
}

/// The `usage` object of chat and completions answers.
func completionUsage(prompt: Int, completion: Int) -> JSONValue {
    .object([
        ("prompt_tokens", .int(prompt)), ("completion_tokens", .int(completion)),
        ("total_tokens", .int(prompt + completion)),
    ])
}
