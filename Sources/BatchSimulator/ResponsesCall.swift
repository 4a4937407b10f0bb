import NIOHTTP1

/// `responses`: one completed assistant message, usage as input/output tokens.
struct ResponsesCall: PreparedCall {
    let inputTokens: Int
    let seed: UInt64
    let limit: Int?
    let tokenCost: Int

    init(_ json: [String: Any]) throws(RequestError) {
        guard let input = json["input"], input is String || input is [Any] else {
            throw RequestError("'input' must be a string or an array.")
        }
        let digest = TextDigest([input, json["instructions"] ?? ""])
        inputTokens = TokenEstimator.tokens(forCharacters: digest.characters)
        seed = digest.hash
        limit = json["max_output_tokens"] as? Int
        tokenCost = inputTokens + (limit ?? 0)
    }

    func render(_ context: RenderContext) -> SimResponse {
        let (length, truncated) = TextGenerator.completionLength(seed: seed, limit: limit)
        let text = TextGenerator.sentence(words: length, seed: seed)
        return SimResponse(
            status: .ok,
            json: .object([
                ("id", .string("resp_" + context.idSuffix)),
                ("object", "response"),
                ("created_at", .int(context.created)),
                ("status", truncated ? "incomplete" : "completed"),
                ("model", .string(context.model)),
                (
                    "output",
                    .array([
                        .object([
                            ("type", "message"),
                            ("id", .string("msg_" + context.idSuffix)),
                            ("status", "completed"),
                            ("role", "assistant"),
                            (
                                "content",
                                .array([
                                    .object([
                                        ("type", "output_text"), ("text", .string(text)),
                                        ("annotations", .array([])),
                                    ])
                                ])
                            ),
                        ])
                    ])
                ),
                (
                    "usage",
                    .object([
                        ("input_tokens", .int(inputTokens)), ("output_tokens", .int(length)),
                        ("total_tokens", .int(inputTokens + length)),
                    ])
                ),
            ]))
    }
}
